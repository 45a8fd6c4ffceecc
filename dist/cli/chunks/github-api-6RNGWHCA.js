#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-B3ZYTDYD.js";import"./chunk-O2NPQZBT.js";import"./chunk-PKOOX5Y7.js";export{b as createGitHubClient,d as httpStatus,e as permissionHint,a as retryableError,c as splitRepository};
