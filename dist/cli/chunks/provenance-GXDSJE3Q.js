#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-7FXG3JOP.js";import"./chunk-6DXUV7D5.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{c as BUILD_TYPE,b as SLSA_PROVENANCE_V1,a as STATEMENT_TYPE,e as attachProvenance,d as provenanceStatement};
