import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-RCHHFGBE.js";import"./chunk-6P66DLUU.js";export{e as activeFreezes,d as activeWindow,a as checkTimeZone,g as describeFreeze,f as formatInZone,c as parseFreezeWindows,b as parseWindow};
