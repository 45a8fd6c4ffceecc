import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-U5VCBKKH.js";import"./chunk-TJUML4OG.js";import"./chunk-KIRN3DE3.js";import"./chunk-4LUV3Z5J.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
