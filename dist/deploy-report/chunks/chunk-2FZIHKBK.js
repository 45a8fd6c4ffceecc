import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
var r=/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;function s(t){let e="";for(let n of t)n==="*"?e+=".*":n==="?"?e+=".":e+=n.replace(/[.+^${}()|[\]\\]/g,"\\$&");return new RegExp(`^${e}$`)}export{r as a,s as b};
