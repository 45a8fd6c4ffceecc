#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-MK6RRH2R.js";import"./chunk-6NG2PQWW.js";import"./chunk-LDMVG3PL.js";import"./chunk-CWDMZYRQ.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
