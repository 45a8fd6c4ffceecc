#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{d as a}from"./chunk-4EOUUEDE.js";import"./chunk-CWDMZYRQ.js";export default a();
