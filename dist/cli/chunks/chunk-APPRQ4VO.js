#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
var s=class extends Error{constructor(e,o,a,i=!1){let c=i?"***":JSON.stringify(o);super(`Input "${e}" has an invalid value ${c}: ${a}`);this.input=e;this.value=o;this.accepted=a;this.secret=i;this.name="InputError"}input;value;accepted;secret},t=class extends Error{constructor(r){super(r),this.name="StepError"}};function g(n){return n instanceof Error?n.message:String(n)}export{s as a,t as b,g as c};
