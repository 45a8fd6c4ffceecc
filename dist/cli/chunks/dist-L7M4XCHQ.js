#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a}from"./chunk-OVOEP7P5.js";import"./chunk-YKD5OH7M.js";import"./chunk-CWDMZYRQ.js";export default a();
