import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-W5O3RO5V.js";import"./chunk-4LUV3Z5J.js";export{b as COSIGN_SIGN_PREDICATE,c as IN_TOTO_PAYLOAD_TYPE,a as STATEMENT_TYPE,e as hexOf,g as namesDigest,f as parseStatement,d as signatureStatement};
