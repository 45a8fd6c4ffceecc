#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{k as a,l as b,m as c}from"./chunk-PLWKELL4.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-CWDMZYRQ.js";export{c as RegistryClient,a as RegistryError,b as sha256Digest};
