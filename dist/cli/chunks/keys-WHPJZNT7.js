#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-2UDE6UXB.js";import"./chunk-3Q7YXN7Y.js";import"./chunk-CWDMZYRQ.js";export{b as keyFingerprint,a as keyHint,d as loadPublicKey,c as loadSigningKey};
