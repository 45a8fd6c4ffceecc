#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{e}from"./chunk-EJAYHL37.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";async function o(r,n,i){try{return(await r.request("POST /repos/{owner}/{repo}/attestations",{...n,bundle:i})).data.id??0}catch(t){e(t,"attestations: write")}}export{o as storeAttestation};
