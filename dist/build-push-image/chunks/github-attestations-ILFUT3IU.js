import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{e}from"./chunk-NMXDO5BB.js";import"./chunk-2GCHQABN.js";import"./chunk-4LUV3Z5J.js";async function o(r,n,i){try{return(await r.request("POST /repos/{owner}/{repo}/attestations",{...n,bundle:i})).data.id??0}catch(t){e(t,"attestations: write")}}export{o as storeAttestation};
