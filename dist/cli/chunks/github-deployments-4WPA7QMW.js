#!/usr/bin/env node
import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-QRFMLVHT.js";import"./chunk-CWDMZYRQ.js";export{c as currentDeployment,b as finishDeploymentRecord,a as startDeploymentRecord};
