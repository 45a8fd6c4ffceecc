import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-6FSHYUOX.js";import"./chunk-4LUV3Z5J.js";export{e as activeFreezes,d as activeWindow,a as checkTimeZone,g as describeFreeze,f as formatInZone,c as parseFreezeWindows,b as parseWindow};
