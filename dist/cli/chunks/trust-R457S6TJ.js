#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b}from"./chunk-WCJLVGYY.js";import"./chunk-QTL3HVQK.js";import"./chunk-2QVNRNT4.js";import"./chunk-CWDMZYRQ.js";export{b as emptyTrustedRoot,a as loadTrustedRoot};
