#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{c as a}from"./chunk-YKD5OH7M.js";import"./chunk-CWDMZYRQ.js";export default a();
