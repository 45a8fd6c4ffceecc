#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-Y7U4JIQY.js";import"./chunk-7YIOD2SH.js";import"./chunk-PLWKELL4.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{c as BUILD_TYPE,b as SLSA_PROVENANCE_V1,a as STATEMENT_TYPE,e as attachProvenance,d as provenanceStatement};
