import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-TOO2UGPA.js";import"./chunk-N3JORJ3S.js";import"./chunk-Z5NJYKQ7.js";export{b as createGitHubClient,a as githubVerdict,d as httpStatus,e as permissionHint,c as splitRepository};
