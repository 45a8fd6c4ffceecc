#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-VMJNTG4S.js";import"./chunk-MEE3SJRB.js";import"./chunk-LBJ4Y3JM.js";import"./chunk-CWDMZYRQ.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
