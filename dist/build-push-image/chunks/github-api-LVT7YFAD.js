import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-NMXDO5BB.js";import"./chunk-2GCHQABN.js";import"./chunk-4LUV3Z5J.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
