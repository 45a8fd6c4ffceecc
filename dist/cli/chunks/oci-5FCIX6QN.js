#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-UPDP6V6C.js";import"./chunk-7YIOD2SH.js";import"./chunk-PLWKELL4.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{b as ANNOTATION_CONTENT,c as ANNOTATION_PREDICATE,a as BUNDLE_V03,e as fetchBundles,d as pushBundle};
