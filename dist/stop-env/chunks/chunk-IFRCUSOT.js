import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
function i(n){return n.replace(/\|/g,"\\|").replace(/\r?\n/g," ")}function g(n,r){let t=e=>`| ${e.map(i).join(" | ")} |`;return[t(n),`|${n.map(()=>" --- ").join("|")}|`,...r.map(t)].join(`
`)}function c(n,r=200){let t=n.replace(/\s+/g," ").trim();return t.length>r?`${t.slice(0,r-1)}\u2026`:t}export{i as a,g as b,c};
