#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
async function t(s){let a=await s;return a.default??a}export{t as a};
