#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
var e={ms:1,s:1e3,m:6e4,h:36e5,d:864e5},o=/^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/,u="a duration such as 500ms, 3s, 2m, 1h or 7d (a bare number means seconds)";function s(n){let r=o.exec(n.trim());if(!r)return;let t=r[2]??"s";return Math.round(Number(r[1])*e[t])}function a(n){return n<1e3?`${Math.round(n)}ms`:n<6e4?`${(n/1e3).toFixed(n<1e4?2:1)}s`:`${Math.floor(n/6e4)}m${Math.round(n%6e4/1e3)}s`}export{u as a,s as b,a as c};
