import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-WEMX457W.js";import"./chunk-RJ2PV5SU.js";import"./chunk-2GCHQABN.js";import"./chunk-4LUV3Z5J.js";export{c as BUILD_TYPE,b as SLSA_PROVENANCE_V1,a as STATEMENT_TYPE,e as attachProvenance,d as provenanceStatement};
