#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
var t=class extends Error{constructor(n,s,a,i=!1){let g=i?"***":JSON.stringify(s);super(`Input "${n}" has an invalid value ${g}: ${a}`);this.input=n;this.value=s;this.accepted=a;this.secret=i;this.name="InputError"}input;value;accepted;secret},e=class extends Error{constructor(n,s={}){super(n);this.partial=s;this.name="StepError"}partial};function u(r){return r instanceof Error?r.message:String(r)}export{t as a,e as b,u as c};
