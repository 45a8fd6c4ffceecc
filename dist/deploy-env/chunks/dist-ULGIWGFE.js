import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{c as a}from"./chunk-JN7OALLR.js";import"./chunk-4LUV3Z5J.js";export default a();
