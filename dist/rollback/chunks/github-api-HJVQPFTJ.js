import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-6L7XHQPS.js";import"./chunk-FN3ZBJBM.js";import"./chunk-JE7CAKMY.js";import"./chunk-4LUV3Z5J.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
