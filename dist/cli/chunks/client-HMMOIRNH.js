#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{c as a,d as b,e as c,f as d,g as e,h as f}from"./chunk-WAUVS6PS.js";import"./chunk-NDKPPO65.js";import"./chunk-FXMWZV4J.js";import"./chunk-WOBWWIPW.js";import"./chunk-GEXPNIDP.js";import"./chunk-3Q7YXN7Y.js";import"./chunk-CWDMZYRQ.js";export{a as FIELD_MANAGER,b as apiErrorMessage,f as createClient,e as loadKubeConfig,c as statusOf,d as withRetry};
