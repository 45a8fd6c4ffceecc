import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{d as a}from"./chunk-X24YYJNM.js";import"./chunk-4LUV3Z5J.js";export default a();
