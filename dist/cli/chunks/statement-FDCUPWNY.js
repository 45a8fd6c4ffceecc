#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-IM7ND24A.js";import"./chunk-CWDMZYRQ.js";export{b as COSIGN_SIGN_PREDICATE,c as IN_TOTO_PAYLOAD_TYPE,a as STATEMENT_TYPE,e as hexOf,g as namesDigest,f as parseStatement,d as signatureStatement};
