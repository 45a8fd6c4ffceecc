import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-SYDN3C5U.js";import"./chunk-MXF5ZD56.js";import"./chunk-AXGC2FUB.js";import"./chunk-4LUV3Z5J.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
