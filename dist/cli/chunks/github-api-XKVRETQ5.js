#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-EJAYHL37.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
