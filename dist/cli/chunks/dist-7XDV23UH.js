#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a}from"./chunk-FYCKXWVZ.js";import"./chunk-CWDMZYRQ.js";export default a();
