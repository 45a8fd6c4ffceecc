import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a as bt,c as wt,d as Et}from"./chunk-MXF5ZD56.js";import{a as yt}from"./chunk-AXGC2FUB.js";import{c as A,f as vt}from"./chunk-4LUV3Z5J.js";var sr=A((qe,Pe)=>{(function(r,t){typeof qe=="object"&&typeof Pe<"u"?Pe.exports=t():typeof define=="function"&&define.amd?define(t):r.Bottleneck=t()})(qe,(function(){"use strict";var r=typeof globalThis<"u"?globalThis:typeof window<"u"?window:typeof global<"u"?global:typeof self<"u"?self:{};function t(b){return b&&b.default||b}var e=function(b,c,u={}){var h,d,_;for(h in c)_=c[h],u[h]=(d=b[h])!=null?d:_;return u},s=function(b,c,u={}){var h,d;for(h in b)d=b[h],c[h]!==void 0&&(u[h]=d);return u},n={load:e,overwrite:s},i;i=class{constructor(c,u){this.incr=c,this.decr=u,this._first=null,this._last=null,this.length=0}push(c){var u;this.length++,typeof this.incr=="function"&&this.incr(),u={value:c,prev:this._last,next:null},this._last!=null?(this._last.next=u,this._last=u):this._first=this._last=u}shift(){var c;if(this._first!=null)return this.length--,typeof this.decr=="function"&&this.decr(),c=this._first.value,(this._first=this._first.next)!=null?this._first.prev=null:this._last=null,c}first(){if(this._first!=null)return this._first.value}getArray(){var c,u,h;for(c=this._first,h=[];c!=null;)h.push((u=c,c=c.next,u.value));return h}forEachShift(c){var u;for(u=this.shift();u!=null;)c(u),u=this.shift()}debug(){var c,u,h,d,_;for(c=this._first,_=[];c!=null;)_.push((u=c,c=c.next,{value:u.value,prev:(h=u.prev)!=null?h.value:void 0,next:(d=u.next)!=null?d.value:void 0}));return _}};var o=i,a;a=class{constructor(c){if(this.instance=c,this._events={},this.instance.on!=null||this.instance.once!=null||this.instance.removeAllListeners!=null)throw new Error("An Emitter already exists for this object");this.instance.on=(u,h)=>this._addListener(u,"many",h),this.instance.once=(u,h)=>this._addListener(u,"once",h),this.instance.removeAllListeners=(u=null)=>u!=null?delete this._events[u]:this._events={}}_addListener(c,u,h){var d;return(d=this._events)[c]==null&&(d[c]=[]),this._events[c].push({cb:h,status:u}),this.instance}listenerCount(c){return this._events[c]!=null?this._events[c].length:0}async trigger(c,...u){var h,d;try{return c!=="debug"&&this.trigger("debug",`Event triggered: ${c}`,u),this._events[c]==null?void 0:(this._events[c]=this._events[c].filter(function(_){return _.status!=="none"}),d=this._events[c].map(async _=>{var m,v;if(_.status!=="none"){_.status==="once"&&(_.status="none");try{return v=typeof _.cb=="function"?_.cb(...u):void 0,typeof v?.then=="function"?await v:v}catch(G){return m=G,this.trigger("error",m),null}}}),(await Promise.all(d)).find(function(_){return _!=null}))}catch(_){return h=_,this.trigger("error",h),null}}};var l=a,p,f,g;p=o,f=l,g=class{constructor(c){var u;this.Events=new f(this),this._length=0,this._lists=(function(){var h,d,_;for(_=[],u=h=1,d=c;1<=d?h<=d:h>=d;u=1<=d?++h:--h)_.push(new p((()=>this.incr()),(()=>this.decr())));return _}).call(this)}incr(){if(this._length++===0)return this.Events.trigger("leftzero")}decr(){if(--this._length===0)return this.Events.trigger("zero")}push(c){return this._lists[c.options.priority].push(c)}queued(c){return c!=null?this._lists[c].length:this._length}shiftAll(c){return this._lists.forEach(function(u){return u.forEachShift(c)})}getFirst(c=this._lists){var u,h,d;for(u=0,h=c.length;u<h;u++)if(d=c[u],d.length>0)return d;return[]}shiftLastFrom(c){return this.getFirst(this._lists.slice(c).reverse()).shift()}};var y=g,E;E=class extends Error{};var w=E,O,T,k,R,P;R=10,T=5,P=n,O=w,k=class{constructor(c,u,h,d,_,m,v,G){this.task=c,this.args=u,this.rejectOnDrop=_,this.Events=m,this._states=v,this.Promise=G,this.options=P.load(h,d),this.options.priority=this._sanitizePriority(this.options.priority),this.options.id===d.id&&(this.options.id=`${this.options.id}-${this._randomIndex()}`),this.promise=new this.Promise((C,j)=>{this._resolve=C,this._reject=j}),this.retryCount=0}_sanitizePriority(c){var u;return u=~~c!==c?T:c,u<0?0:u>R-1?R-1:u}_randomIndex(){return Math.random().toString(36).slice(2)}doDrop({error:c,message:u="This job has been dropped by Bottleneck"}={}){return this._states.remove(this.options.id)?(this.rejectOnDrop&&this._reject(c??new O(u)),this.Events.trigger("dropped",{args:this.args,options:this.options,task:this.task,promise:this.promise}),!0):!1}_assertStatus(c){var u;if(u=this._states.jobStatus(this.options.id),!(u===c||c==="DONE"&&u===null))throw new O(`Invalid job status ${u}, expected ${c}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`)}doReceive(){return this._states.start(this.options.id),this.Events.trigger("received",{args:this.args,options:this.options})}doQueue(c,u){return this._assertStatus("RECEIVED"),this._states.next(this.options.id),this.Events.trigger("queued",{args:this.args,options:this.options,reachedHWM:c,blocked:u})}doRun(){return this.retryCount===0?(this._assertStatus("QUEUED"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),this.Events.trigger("scheduled",{args:this.args,options:this.options})}async doExecute(c,u,h,d){var _,m,v;this.retryCount===0?(this._assertStatus("RUNNING"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),m={args:this.args,options:this.options,retryCount:this.retryCount},this.Events.trigger("executing",m);try{if(v=await(c!=null?c.schedule(this.options,this.task,...this.args):this.task(...this.args)),u())return this.doDone(m),await d(this.options,m),this._assertStatus("DONE"),this._resolve(v)}catch(G){return _=G,this._onFailure(_,m,u,h,d)}}doExpire(c,u,h){var d,_;return this._states.jobStatus(this.options.id==="RUNNING")&&this._states.next(this.options.id),this._assertStatus("EXECUTING"),_={args:this.args,options:this.options,retryCount:this.retryCount},d=new O(`This job timed out after ${this.options.expiration} ms.`),this._onFailure(d,_,c,u,h)}async _onFailure(c,u,h,d,_){var m,v;if(h())return m=await this.Events.trigger("failed",c,u),m!=null?(v=~~m,this.Events.trigger("retry",`Retrying ${this.options.id} after ${v} ms`,u),this.retryCount++,d(v)):(this.doDone(u),await _(this.options,u),this._assertStatus("DONE"),this._reject(c))}doDone(c){return this._assertStatus("EXECUTING"),this._states.next(this.options.id),this.Events.trigger("done",c)}};var x=k,L,$,M;M=n,L=w,$=class{constructor(c,u,h){this.instance=c,this.storeOptions=u,this.clientId=this.instance._randomIndex(),M.load(h,h,this),this._nextRequest=this._lastReservoirRefresh=this._lastReservoirIncrease=Date.now(),this._running=0,this._done=0,this._unblockTime=0,this.ready=this.Promise.resolve(),this.clients={},this._startHeartbeat()}_startHeartbeat(){var c;return this.heartbeat==null&&(this.storeOptions.reservoirRefreshInterval!=null&&this.storeOptions.reservoirRefreshAmount!=null||this.storeOptions.reservoirIncreaseInterval!=null&&this.storeOptions.reservoirIncreaseAmount!=null)?typeof(c=this.heartbeat=setInterval(()=>{var u,h,d,_,m;if(_=Date.now(),this.storeOptions.reservoirRefreshInterval!=null&&_>=this._lastReservoirRefresh+this.storeOptions.reservoirRefreshInterval&&(this._lastReservoirRefresh=_,this.storeOptions.reservoir=this.storeOptions.reservoirRefreshAmount,this.instance._drainAll(this.computeCapacity())),this.storeOptions.reservoirIncreaseInterval!=null&&_>=this._lastReservoirIncrease+this.storeOptions.reservoirIncreaseInterval&&({reservoirIncreaseAmount:u,reservoirIncreaseMaximum:d,reservoir:m}=this.storeOptions,this._lastReservoirIncrease=_,h=d!=null?Math.min(u,d-m):u,h>0))return this.storeOptions.reservoir+=h,this.instance._drainAll(this.computeCapacity())},this.heartbeatInterval)).unref=="function"?c.unref():void 0:clearInterval(this.heartbeat)}async __publish__(c){return await this.yieldLoop(),this.instance.Events.trigger("message",c.toString())}async __disconnect__(c){return await this.yieldLoop(),clearInterval(this.heartbeat),this.Promise.resolve()}yieldLoop(c=0){return new this.Promise(function(u,h){return setTimeout(u,c)})}computePenalty(){var c;return(c=this.storeOptions.penalty)!=null?c:15*this.storeOptions.minTime||5e3}async __updateSettings__(c){return await this.yieldLoop(),M.overwrite(c,c,this.storeOptions),this._startHeartbeat(),this.instance._drainAll(this.computeCapacity()),!0}async __running__(){return await this.yieldLoop(),this._running}async __queued__(){return await this.yieldLoop(),this.instance.queued()}async __done__(){return await this.yieldLoop(),this._done}async __groupCheck__(c){return await this.yieldLoop(),this._nextRequest+this.timeout<c}computeCapacity(){var c,u;return{maxConcurrent:c,reservoir:u}=this.storeOptions,c!=null&&u!=null?Math.min(c-this._running,u):c!=null?c-this._running:u??null}conditionsCheck(c){var u;return u=this.computeCapacity(),u==null||c<=u}async __incrementReservoir__(c){var u;return await this.yieldLoop(),u=this.storeOptions.reservoir+=c,this.instance._drainAll(this.computeCapacity()),u}async __currentReservoir__(){return await this.yieldLoop(),this.storeOptions.reservoir}isBlocked(c){return this._unblockTime>=c}check(c,u){return this.conditionsCheck(c)&&this._nextRequest-u<=0}async __check__(c){var u;return await this.yieldLoop(),u=Date.now(),this.check(c,u)}async __register__(c,u,h){var d,_;return await this.yieldLoop(),d=Date.now(),this.conditionsCheck(u)?(this._running+=u,this.storeOptions.reservoir!=null&&(this.storeOptions.reservoir-=u),_=Math.max(this._nextRequest-d,0),this._nextRequest=d+_+this.storeOptions.minTime,{success:!0,wait:_,reservoir:this.storeOptions.reservoir}):{success:!1}}strategyIsBlock(){return this.storeOptions.strategy===3}async __submit__(c,u){var h,d,_;if(await this.yieldLoop(),this.storeOptions.maxConcurrent!=null&&u>this.storeOptions.maxConcurrent)throw new L(`Impossible to add a job having a weight of ${u} to a limiter having a maxConcurrent setting of ${this.storeOptions.maxConcurrent}`);return d=Date.now(),_=this.storeOptions.highWater!=null&&c===this.storeOptions.highWater&&!this.check(u,d),h=this.strategyIsBlock()&&(_||this.isBlocked(d)),h&&(this._unblockTime=d+this.computePenalty(),this._nextRequest=this._unblockTime+this.storeOptions.minTime,this.instance._dropAllQueued()),{reachedHWM:_,blocked:h,strategy:this.storeOptions.strategy}}async __free__(c,u){return await this.yieldLoop(),this._running-=u,this._done+=u,this.instance._drainAll(this.computeCapacity()),{running:this._running}}};var X=$,ge,Ke;ge=w,Ke=class{constructor(c){this.status=c,this._jobs={},this.counts=this.status.map(function(){return 0})}next(c){var u,h;if(u=this._jobs[c],h=u+1,u!=null&&h<this.status.length)return this.counts[u]--,this.counts[h]++,this._jobs[c]++;if(u!=null)return this.counts[u]--,delete this._jobs[c]}start(c){var u;return u=0,this._jobs[c]=u,this.counts[u]++}remove(c){var u;return u=this._jobs[c],u!=null&&(this.counts[u]--,delete this._jobs[c]),u!=null}jobStatus(c){var u;return(u=this.status[this._jobs[c]])!=null?u:null}statusJobs(c){var u,h,d,_,m;if(c!=null){if(h=this.status.indexOf(c),h<0)throw new ge(`status must be one of ${this.status.join(", ")}`);d=this._jobs,_=[];for(u in d)m=d[u],m===h&&_.push(u);return _}else return Object.keys(this._jobs)}statusCounts(){return this.counts.reduce(((c,u,h)=>(c[this.status[h]]=u,c)),{})}};var Gs=Ke,Qe,Ye;Qe=o,Ye=class{constructor(c,u){this.schedule=this.schedule.bind(this),this.name=c,this.Promise=u,this._running=0,this._queue=new Qe}isEmpty(){return this._queue.length===0}async _tryToRun(){var c,u,h,d,_,m,v;if(this._running<1&&this._queue.length>0)return this._running++,{task:v,args:c,resolve:_,reject:d}=this._queue.shift(),u=await(async function(){try{return m=await v(...c),function(){return _(m)}}catch(G){return h=G,function(){return d(h)}}})(),this._running--,this._tryToRun(),u()}schedule(c,...u){var h,d,_;return _=d=null,h=new this.Promise(function(m,v){return _=m,d=v}),this._queue.push({task:c,args:u,resolve:_,reject:d}),this._tryToRun(),h}};var Rs=Ye,Xe="2.19.5",Os={version:Xe},xs=Object.freeze({version:Xe,default:Os}),Ze=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),et=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),Ss=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),tt,rt,st,nt,it,re;re=n,tt=l,nt=Ze,st=et,it=Ss,rt=(function(){class b{constructor(u={}){this.deleteKey=this.deleteKey.bind(this),this.limiterOptions=u,re.load(this.limiterOptions,this.defaults,this),this.Events=new tt(this),this.instances={},this.Bottleneck=mt,this._startAutoCleanup(),this.sharedConnection=this.connection!=null,this.connection==null&&(this.limiterOptions.datastore==="redis"?this.connection=new nt(Object.assign({},this.limiterOptions,{Events:this.Events})):this.limiterOptions.datastore==="ioredis"&&(this.connection=new st(Object.assign({},this.limiterOptions,{Events:this.Events}))))}key(u=""){var h;return(h=this.instances[u])!=null?h:(()=>{var d;return d=this.instances[u]=new this.Bottleneck(Object.assign(this.limiterOptions,{id:`${this.id}-${u}`,timeout:this.timeout,connection:this.connection})),this.Events.trigger("created",d,u),d})()}async deleteKey(u=""){var h,d;return d=this.instances[u],this.connection&&(h=await this.connection.__runCommand__(["del",...it.allKeys(`${this.id}-${u}`)])),d!=null&&(delete this.instances[u],await d.disconnect()),d!=null||h>0}limiters(){var u,h,d,_;h=this.instances,d=[];for(u in h)_=h[u],d.push({key:u,limiter:_});return d}keys(){return Object.keys(this.instances)}async clusterKeys(){var u,h,d,_,m,v,G,C,j;if(this.connection==null)return this.Promise.resolve(this.keys());for(v=[],u=null,j=`b_${this.id}-`.length,h=9;u!==0;)for([C,d]=await this.connection.__runCommand__(["scan",u??0,"match",`b_${this.id}-*_settings`,"count",1e4]),u=~~C,_=0,G=d.length;_<G;_++)m=d[_],v.push(m.slice(j,-h));return v}_startAutoCleanup(){var u;return clearInterval(this.interval),typeof(u=this.interval=setInterval(async()=>{var h,d,_,m,v,G;v=Date.now(),_=this.instances,m=[];for(d in _){G=_[d];try{await G._store.__groupCheck__(v)?m.push(this.deleteKey(d)):m.push(void 0)}catch(C){h=C,m.push(G.Events.trigger("error",h))}}return m},this.timeout/2)).unref=="function"?u.unref():void 0}updateSettings(u={}){if(re.overwrite(u,this.defaults,this),re.overwrite(u,u,this.limiterOptions),u.timeout!=null)return this._startAutoCleanup()}disconnect(u=!0){var h;if(!this.sharedConnection)return(h=this.connection)!=null?h.disconnect(u):void 0}}return b.prototype.defaults={timeout:1e3*60*5,connection:null,Promise,id:"group-key"},b}).call(r);var As=rt,ot,at,ut;ut=n,at=l,ot=(function(){class b{constructor(u={}){this.options=u,ut.load(this.options,this.defaults,this),this.Events=new at(this),this._arr=[],this._resetPromise(),this._lastFlush=Date.now()}_resetPromise(){return this._promise=new this.Promise((u,h)=>this._resolve=u)}_flush(){return clearTimeout(this._timeout),this._lastFlush=Date.now(),this._resolve(),this.Events.trigger("batch",this._arr),this._arr=[],this._resetPromise()}add(u){var h;return this._arr.push(u),h=this._promise,this._arr.length===this.maxSize?this._flush():this.maxTime!=null&&this._arr.length===1&&(this._timeout=setTimeout(()=>this._flush(),this.maxTime)),h}}return b.prototype.defaults={maxTime:null,maxSize:null,Promise},b}).call(r);var Is=ot,Cs=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),js=t(xs),lt,ct,ve,ye,ht,be,dt,pt,_t,we,F,ft=[].splice;be=10,ct=5,F=n,dt=y,ye=x,ht=X,pt=Cs,ve=l,_t=Gs,we=Rs,lt=(function(){class b{constructor(u={},...h){var d,_;this._addToQueue=this._addToQueue.bind(this),this._validateOptions(u,h),F.load(u,this.instanceDefaults,this),this._queues=new dt(be),this._scheduled={},this._states=new _t(["RECEIVED","QUEUED","RUNNING","EXECUTING"].concat(this.trackDoneStatus?["DONE"]:[])),this._limiter=null,this.Events=new ve(this),this._submitLock=new we("submit",this.Promise),this._registerLock=new we("register",this.Promise),_=F.load(u,this.storeDefaults,{}),this._store=(function(){if(this.datastore==="redis"||this.datastore==="ioredis"||this.connection!=null)return d=F.load(u,this.redisStoreDefaults,{}),new pt(this,_,d);if(this.datastore==="local")return d=F.load(u,this.localStoreDefaults,{}),new ht(this,_,d);throw new b.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`)}).call(this),this._queues.on("leftzero",()=>{var m;return(m=this._store.heartbeat)!=null&&typeof m.ref=="function"?m.ref():void 0}),this._queues.on("zero",()=>{var m;return(m=this._store.heartbeat)!=null&&typeof m.unref=="function"?m.unref():void 0})}_validateOptions(u,h){if(!(u!=null&&typeof u=="object"&&h.length===0))throw new b.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.")}ready(){return this._store.ready}clients(){return this._store.clients}channel(){return`b_${this.id}`}channel_client(){return`b_${this.id}_${this._store.clientId}`}publish(u){return this._store.__publish__(u)}disconnect(u=!0){return this._store.__disconnect__(u)}chain(u){return this._limiter=u,this}queued(u){return this._queues.queued(u)}clusterQueued(){return this._store.__queued__()}empty(){return this.queued()===0&&this._submitLock.isEmpty()}running(){return this._store.__running__()}done(){return this._store.__done__()}jobStatus(u){return this._states.jobStatus(u)}jobs(u){return this._states.statusJobs(u)}counts(){return this._states.statusCounts()}_randomIndex(){return Math.random().toString(36).slice(2)}check(u=1){return this._store.__check__(u)}_clearGlobalState(u){return this._scheduled[u]!=null?(clearTimeout(this._scheduled[u].expiration),delete this._scheduled[u],!0):!1}async _free(u,h,d,_){var m,v;try{if({running:v}=await this._store.__free__(u,d.weight),this.Events.trigger("debug",`Freed ${d.id}`,_),v===0&&this.empty())return this.Events.trigger("idle")}catch(G){return m=G,this.Events.trigger("error",m)}}_run(u,h,d){var _,m,v;return h.doRun(),_=this._clearGlobalState.bind(this,u),v=this._run.bind(this,u,h),m=this._free.bind(this,u,h),this._scheduled[u]={timeout:setTimeout(()=>h.doExecute(this._limiter,_,v,m),d),expiration:h.options.expiration!=null?setTimeout(function(){return h.doExpire(_,v,m)},d+h.options.expiration):void 0,job:h}}_drainOne(u){return this._registerLock.schedule(()=>{var h,d,_,m,v;return this.queued()===0?this.Promise.resolve(null):(v=this._queues.getFirst(),{options:m,args:h}=_=v.first(),u!=null&&m.weight>u?this.Promise.resolve(null):(this.Events.trigger("debug",`Draining ${m.id}`,{args:h,options:m}),d=this._randomIndex(),this._store.__register__(d,m.weight,m.expiration).then(({success:G,wait:C,reservoir:j})=>{var Z;return this.Events.trigger("debug",`Drained ${m.id}`,{success:G,args:h,options:m}),G?(v.shift(),Z=this.empty(),Z&&this.Events.trigger("empty"),j===0&&this.Events.trigger("depleted",Z),this._run(d,_,C),this.Promise.resolve(m.weight)):this.Promise.resolve(null)})))})}_drainAll(u,h=0){return this._drainOne(u).then(d=>{var _;return d!=null?(_=u!=null?u-d:u,this._drainAll(_,h+d)):this.Promise.resolve(h)}).catch(d=>this.Events.trigger("error",d))}_dropAllQueued(u){return this._queues.shiftAll(function(h){return h.doDrop({message:u})})}stop(u={}){var h,d;return u=F.load(u,this.stopDefaults),d=_=>{var m;return m=()=>{var v;return v=this._states.counts,v[0]+v[1]+v[2]+v[3]===_},new this.Promise((v,G)=>m()?v():this.on("done",()=>{if(m())return this.removeAllListeners("done"),v()}))},h=u.dropWaitingJobs?(this._run=function(_,m){return m.doDrop({message:u.dropErrorMessage})},this._drainOne=()=>this.Promise.resolve(null),this._registerLock.schedule(()=>this._submitLock.schedule(()=>{var _,m,v;m=this._scheduled;for(_ in m)v=m[_],this.jobStatus(v.job.options.id)==="RUNNING"&&(clearTimeout(v.timeout),clearTimeout(v.expiration),v.job.doDrop({message:u.dropErrorMessage}));return this._dropAllQueued(u.dropErrorMessage),d(0)}))):this.schedule({priority:be-1,weight:0},()=>d(1)),this._receive=function(_){return _._reject(new b.prototype.BottleneckError(u.enqueueErrorMessage))},this.stop=()=>this.Promise.reject(new b.prototype.BottleneckError("stop() has already been called")),h}async _addToQueue(u){var h,d,_,m,v,G,C;({args:h,options:m}=u);try{({reachedHWM:v,blocked:d,strategy:C}=await this._store.__submit__(this.queued(),m.weight))}catch(j){return _=j,this.Events.trigger("debug",`Could not queue ${m.id}`,{args:h,options:m,error:_}),u.doDrop({error:_}),!1}return d?(u.doDrop(),!0):v&&(G=C===b.prototype.strategy.LEAK?this._queues.shiftLastFrom(m.priority):C===b.prototype.strategy.OVERFLOW_PRIORITY?this._queues.shiftLastFrom(m.priority+1):C===b.prototype.strategy.OVERFLOW?u:void 0,G?.doDrop(),G==null||C===b.prototype.strategy.OVERFLOW)?(G==null&&u.doDrop(),v):(u.doQueue(v,d),this._queues.push(u),await this._drainAll(),v)}_receive(u){return this._states.jobStatus(u.options.id)!=null?(u._reject(new b.prototype.BottleneckError(`A job with the same id already exists (id=${u.options.id})`)),!1):(u.doReceive(),this._submitLock.schedule(this._addToQueue,u))}submit(...u){var h,d,_,m,v,G,C;return typeof u[0]=="function"?(v=u,[d,...u]=v,[h]=ft.call(u,-1),m=F.load({},this.jobDefaults)):(G=u,[m,d,...u]=G,[h]=ft.call(u,-1),m=F.load(m,this.jobDefaults)),C=(...j)=>new this.Promise(function(Z,Ps){return d(...j,function(...gt){return(gt[0]!=null?Ps:Z)(gt)})}),_=new ye(C,u,m,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),_.promise.then(function(j){return typeof h=="function"?h(...j):void 0}).catch(function(j){return Array.isArray(j)?typeof h=="function"?h(...j):void 0:typeof h=="function"?h(j):void 0}),this._receive(_)}schedule(...u){var h,d,_;return typeof u[0]=="function"?([_,...u]=u,d={}):[d,_,...u]=u,h=new ye(_,u,d,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),this._receive(h),h.promise}wrap(u){var h,d;return h=this.schedule.bind(this),d=function(..._){return h(u.bind(this),..._)},d.withOptions=function(_,...m){return h(_,u,...m)},d}async updateSettings(u={}){return await this._store.__updateSettings__(F.overwrite(u,this.storeDefaults)),F.overwrite(u,this.instanceDefaults,this),this}currentReservoir(){return this._store.__currentReservoir__()}incrementReservoir(u=0){return this._store.__incrementReservoir__(u)}}return b.default=b,b.Events=ve,b.version=b.prototype.version=js.version,b.strategy=b.prototype.strategy={LEAK:1,OVERFLOW:2,OVERFLOW_PRIORITY:4,BLOCK:3},b.BottleneckError=b.prototype.BottleneckError=w,b.Group=b.prototype.Group=As,b.RedisConnection=b.prototype.RedisConnection=Ze,b.IORedisConnection=b.prototype.IORedisConnection=et,b.Batcher=b.prototype.Batcher=Is,b.prototype.jobDefaults={priority:ct,weight:1,expiration:null,id:"<no-id>"},b.prototype.storeDefaults={maxConcurrent:null,minTime:0,highWater:null,strategy:b.prototype.strategy.LEAK,penalty:null,reservoir:null,reservoirRefreshInterval:null,reservoirRefreshAmount:null,reservoirIncreaseInterval:null,reservoirIncreaseAmount:null,reservoirIncreaseMaximum:null},b.prototype.localStoreDefaults={Promise,timeout:null,heartbeatInterval:250},b.prototype.redisStoreDefaults={Promise,timeout:null,heartbeatInterval:5e3,clientTimeout:1e4,Redis:null,clientOptions:{},clusterNodes:null,clearDatastore:!1,connection:null},b.prototype.instanceDefaults={datastore:"local",connection:null,id:"<no-id>",rejectOnDrop:!0,trackDoneStatus:!1,Promise},b.prototype.stopDefaults={enqueueErrorMessage:"This limiter has been stopped and cannot accept new jobs.",dropWaitingJobs:!0,dropErrorMessage:"This limiter has been stopped."},b}).call(r);var mt=lt,qs=mt;return qs}))});var W=A(Le=>{"use strict";Le.load=function(r,t,e={}){var s,n,i;for(s in t)i=t[s],e[s]=(n=r[s])!=null?n:i;return e};Le.overwrite=function(r,t,e={}){var s,n;for(s in r)n=r[s],t[s]!==void 0&&(e[s]=n);return e}});var $e=A((Ui,ur)=>{"use strict";var ar;ar=class{constructor(t,e){this.incr=t,this.decr=e,this._first=null,this._last=null,this.length=0}push(t){var e;this.length++,typeof this.incr=="function"&&this.incr(),e={value:t,prev:this._last,next:null},this._last!=null?(this._last.next=e,this._last=e):this._first=this._last=e}shift(){var t;if(this._first!=null)return this.length--,typeof this.decr=="function"&&this.decr(),t=this._first.value,(this._first=this._first.next)!=null?this._first.prev=null:this._last=null,t}first(){if(this._first!=null)return this._first.value}getArray(){var t,e,s;for(t=this._first,s=[];t!=null;)s.push((e=t,t=t.next,e.value));return s}forEachShift(t){var e;for(e=this.shift();e!=null;)t(e),e=this.shift()}debug(){var t,e,s,n,i;for(t=this._first,i=[];t!=null;)i.push((e=t,t=t.next,{value:e.value,prev:(s=e.prev)!=null?s.value:void 0,next:(n=e.next)!=null?n.value:void 0}));return i}};ur.exports=ar});var J=A((Vi,dr)=>{"use strict";function lr(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function cr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){lr(i,s,n,o,a,"next",l)}function a(l){lr(i,s,n,o,a,"throw",l)}o(void 0)})}}var hr;hr=class{constructor(t){if(this.instance=t,this._events={},this.instance.on!=null||this.instance.once!=null||this.instance.removeAllListeners!=null)throw new Error("An Emitter already exists for this object");this.instance.on=(e,s)=>this._addListener(e,"many",s),this.instance.once=(e,s)=>this._addListener(e,"once",s),this.instance.removeAllListeners=(e=null)=>e!=null?delete this._events[e]:this._events={}}_addListener(t,e,s){var n;return(n=this._events)[t]==null&&(n[t]=[]),this._events[t].push({cb:s,status:e}),this.instance}listenerCount(t){return this._events[t]!=null?this._events[t].length:0}trigger(t,...e){var s=this;return cr(function*(){var n,i;try{return t!=="debug"&&s.trigger("debug",`Event triggered: ${t}`,e),s._events[t]==null?void 0:(s._events[t]=s._events[t].filter(function(o){return o.status!=="none"}),i=s._events[t].map((function(){var o=cr(function*(a){var l,p;if(a.status!=="none"){a.status==="once"&&(a.status="none");try{return p=typeof a.cb=="function"?a.cb(...e):void 0,typeof p?.then=="function"?yield p:p}catch(f){return l=f,s.trigger("error",l),null}}});return function(a){return o.apply(this,arguments)}})()),(yield Promise.all(i)).find(function(o){return o!=null}))}catch(o){return n=o,s.trigger("error",n),null}})()}};dr.exports=hr});var gr=A((Hi,mr)=>{"use strict";var pr,_r,fr;pr=$e();_r=J();fr=class{constructor(t){var e;this.Events=new _r(this),this._length=0,this._lists=function(){var s,n,i;for(i=[],e=s=1,n=t;1<=n?s<=n:s>=n;e=1<=n?++s:--s)i.push(new pr(()=>this.incr(),()=>this.decr()));return i}.call(this)}incr(){if(this._length++===0)return this.Events.trigger("leftzero")}decr(){if(--this._length===0)return this.Events.trigger("zero")}push(t){return this._lists[t.options.priority].push(t)}queued(t){return t!=null?this._lists[t].length:this._length}shiftAll(t){return this._lists.forEach(function(e){return e.forEachShift(t)})}getFirst(t=this._lists){var e,s,n;for(e=0,s=t.length;e<s;e++)if(n=t[e],n.length>0)return n;return[]}shiftLastFrom(t){return this.getFirst(this._lists.slice(t).reverse()).shift()}};mr.exports=fr});var Y=A((Ki,yr)=>{"use strict";var vr;vr=class extends Error{};yr.exports=vr});var Rr=A((Yi,Gr)=>{"use strict";function br(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function wr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){br(i,s,n,o,a,"next",l)}function a(l){br(i,s,n,o,a,"throw",l)}o(void 0)})}}var ue,Er,Tr,De,kr;De=10;Er=5;kr=W();ue=Y();Tr=class{constructor(t,e,s,n,i,o,a,l){this.task=t,this.args=e,this.rejectOnDrop=i,this.Events=o,this._states=a,this.Promise=l,this.options=kr.load(s,n),this.options.priority=this._sanitizePriority(this.options.priority),this.options.id===n.id&&(this.options.id=`${this.options.id}-${this._randomIndex()}`),this.promise=new this.Promise((p,f)=>{this._resolve=p,this._reject=f}),this.retryCount=0}_sanitizePriority(t){var e;return e=~~t!==t?Er:t,e<0?0:e>De-1?De-1:e}_randomIndex(){return Math.random().toString(36).slice(2)}doDrop({error:t,message:e="This job has been dropped by Bottleneck"}={}){return this._states.remove(this.options.id)?(this.rejectOnDrop&&this._reject(t??new ue(e)),this.Events.trigger("dropped",{args:this.args,options:this.options,task:this.task,promise:this.promise}),!0):!1}_assertStatus(t){var e;if(e=this._states.jobStatus(this.options.id),!(e===t||t==="DONE"&&e===null))throw new ue(`Invalid job status ${e}, expected ${t}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`)}doReceive(){return this._states.start(this.options.id),this.Events.trigger("received",{args:this.args,options:this.options})}doQueue(t,e){return this._assertStatus("RECEIVED"),this._states.next(this.options.id),this.Events.trigger("queued",{args:this.args,options:this.options,reachedHWM:t,blocked:e})}doRun(){return this.retryCount===0?(this._assertStatus("QUEUED"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),this.Events.trigger("scheduled",{args:this.args,options:this.options})}doExecute(t,e,s,n){var i=this;return wr(function*(){var o,a,l;i.retryCount===0?(i._assertStatus("RUNNING"),i._states.next(i.options.id)):i._assertStatus("EXECUTING"),a={args:i.args,options:i.options,retryCount:i.retryCount},i.Events.trigger("executing",a);try{if(l=yield t!=null?t.schedule(i.options,i.task,...i.args):i.task(...i.args),e())return i.doDone(a),yield n(i.options,a),i._assertStatus("DONE"),i._resolve(l)}catch(p){return o=p,i._onFailure(o,a,e,s,n)}})()}doExpire(t,e,s){var n,i;return this._states.jobStatus(this.options.id==="RUNNING")&&this._states.next(this.options.id),this._assertStatus("EXECUTING"),i={args:this.args,options:this.options,retryCount:this.retryCount},n=new ue(`This job timed out after ${this.options.expiration} ms.`),this._onFailure(n,i,t,e,s)}_onFailure(t,e,s,n,i){var o=this;return wr(function*(){var a,l;if(s())return a=yield o.Events.trigger("failed",t,e),a!=null?(l=~~a,o.Events.trigger("retry",`Retrying ${o.options.id} after ${l} ms`,e),o.retryCount++,n(l)):(o.doDone(e),yield i(o.options,e),o._assertStatus("DONE"),o._reject(t))})()}doDone(t){return this._assertStatus("EXECUTING"),this._states.next(this.options.id),this.Events.trigger("done",t)}};Gr.exports=Tr});var Ir=A((Zi,Ar)=>{"use strict";function Or(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function N(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){Or(i,s,n,o,a,"next",l)}function a(l){Or(i,s,n,o,a,"throw",l)}o(void 0)})}}var xr,Sr,Me;Me=W();xr=Y();Sr=class{constructor(t,e,s){this.instance=t,this.storeOptions=e,this.clientId=this.instance._randomIndex(),Me.load(s,s,this),this._nextRequest=this._lastReservoirRefresh=this._lastReservoirIncrease=Date.now(),this._running=0,this._done=0,this._unblockTime=0,this.ready=this.Promise.resolve(),this.clients={},this._startHeartbeat()}_startHeartbeat(){var t;return this.heartbeat==null&&(this.storeOptions.reservoirRefreshInterval!=null&&this.storeOptions.reservoirRefreshAmount!=null||this.storeOptions.reservoirIncreaseInterval!=null&&this.storeOptions.reservoirIncreaseAmount!=null)?typeof(t=this.heartbeat=setInterval(()=>{var e,s,n,i,o;if(i=Date.now(),this.storeOptions.reservoirRefreshInterval!=null&&i>=this._lastReservoirRefresh+this.storeOptions.reservoirRefreshInterval&&(this._lastReservoirRefresh=i,this.storeOptions.reservoir=this.storeOptions.reservoirRefreshAmount,this.instance._drainAll(this.computeCapacity())),this.storeOptions.reservoirIncreaseInterval!=null&&i>=this._lastReservoirIncrease+this.storeOptions.reservoirIncreaseInterval){var a=this.storeOptions;if(e=a.reservoirIncreaseAmount,n=a.reservoirIncreaseMaximum,o=a.reservoir,this._lastReservoirIncrease=i,s=n!=null?Math.min(e,n-o):e,s>0)return this.storeOptions.reservoir+=s,this.instance._drainAll(this.computeCapacity())}},this.heartbeatInterval)).unref=="function"?t.unref():void 0:clearInterval(this.heartbeat)}__publish__(t){var e=this;return N(function*(){return yield e.yieldLoop(),e.instance.Events.trigger("message",t.toString())})()}__disconnect__(t){var e=this;return N(function*(){return yield e.yieldLoop(),clearInterval(e.heartbeat),e.Promise.resolve()})()}yieldLoop(t=0){return new this.Promise(function(e,s){return setTimeout(e,t)})}computePenalty(){var t;return(t=this.storeOptions.penalty)!=null?t:15*this.storeOptions.minTime||5e3}__updateSettings__(t){var e=this;return N(function*(){return yield e.yieldLoop(),Me.overwrite(t,t,e.storeOptions),e._startHeartbeat(),e.instance._drainAll(e.computeCapacity()),!0})()}__running__(){var t=this;return N(function*(){return yield t.yieldLoop(),t._running})()}__queued__(){var t=this;return N(function*(){return yield t.yieldLoop(),t.instance.queued()})()}__done__(){var t=this;return N(function*(){return yield t.yieldLoop(),t._done})()}__groupCheck__(t){var e=this;return N(function*(){return yield e.yieldLoop(),e._nextRequest+e.timeout<t})()}computeCapacity(){var t,e,s=this.storeOptions;return t=s.maxConcurrent,e=s.reservoir,t!=null&&e!=null?Math.min(t-this._running,e):t!=null?t-this._running:e??null}conditionsCheck(t){var e;return e=this.computeCapacity(),e==null||t<=e}__incrementReservoir__(t){var e=this;return N(function*(){var s;return yield e.yieldLoop(),s=e.storeOptions.reservoir+=t,e.instance._drainAll(e.computeCapacity()),s})()}__currentReservoir__(){var t=this;return N(function*(){return yield t.yieldLoop(),t.storeOptions.reservoir})()}isBlocked(t){return this._unblockTime>=t}check(t,e){return this.conditionsCheck(t)&&this._nextRequest-e<=0}__check__(t){var e=this;return N(function*(){var s;return yield e.yieldLoop(),s=Date.now(),e.check(t,s)})()}__register__(t,e,s){var n=this;return N(function*(){var i,o;return yield n.yieldLoop(),i=Date.now(),n.conditionsCheck(e)?(n._running+=e,n.storeOptions.reservoir!=null&&(n.storeOptions.reservoir-=e),o=Math.max(n._nextRequest-i,0),n._nextRequest=i+o+n.storeOptions.minTime,{success:!0,wait:o,reservoir:n.storeOptions.reservoir}):{success:!1}})()}strategyIsBlock(){return this.storeOptions.strategy===3}__submit__(t,e){var s=this;return N(function*(){var n,i,o;if(yield s.yieldLoop(),s.storeOptions.maxConcurrent!=null&&e>s.storeOptions.maxConcurrent)throw new xr(`Impossible to add a job having a weight of ${e} to a limiter having a maxConcurrent setting of ${s.storeOptions.maxConcurrent}`);return i=Date.now(),o=s.storeOptions.highWater!=null&&t===s.storeOptions.highWater&&!s.check(e,i),n=s.strategyIsBlock()&&(o||s.isBlocked(i)),n&&(s._unblockTime=i+s.computePenalty(),s._nextRequest=s._unblockTime+s.storeOptions.minTime,s.instance._dropAllQueued()),{reachedHWM:o,blocked:n,strategy:s.storeOptions.strategy}})()}__free__(t,e){var s=this;return N(function*(){return yield s.yieldLoop(),s._running-=e,s._done+=e,s.instance._drainAll(s.computeCapacity()),{running:s._running}})()}};Ar.exports=Sr});var Cr=A((eo,Pn)=>{Pn.exports={"blacklist_client.lua":`local blacklist = ARGV[num_static_argv + 1]

if redis.call('zscore', client_last_seen_key, blacklist) then
  redis.call('zadd', client_last_seen_key, 0, blacklist)
end


return {}
`,"check.lua":`local weight = tonumber(ARGV[num_static_argv + 1])

local capacity = process_tick(now, false)['capacity']
local nextRequest = tonumber(redis.call('hget', settings_key, 'nextRequest'))

return conditions_check(capacity, weight) and nextRequest - now <= 0
`,"conditions_check.lua":`local conditions_check = function (capacity, weight)
  return capacity == nil or weight <= capacity
end
`,"current_reservoir.lua":`return process_tick(now, false)['reservoir']
`,"done.lua":`process_tick(now, false)

return tonumber(redis.call('hget', settings_key, 'done'))
`,"free.lua":`local index = ARGV[num_static_argv + 1]

redis.call('zadd', job_expirations_key, 0, index)

return process_tick(now, false)['running']
`,"get_time.lua":`redis.replicate_commands()

local get_time = function ()
  local time = redis.call('time')

  return tonumber(time[1]..string.sub(time[2], 1, 3))
end
`,"group_check.lua":`return not (redis.call('exists', settings_key) == 1)
`,"heartbeat.lua":`process_tick(now, true)
`,"increment_reservoir.lua":`local incr = tonumber(ARGV[num_static_argv + 1])

redis.call('hincrby', settings_key, 'reservoir', incr)

local reservoir = process_tick(now, true)['reservoir']

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return reservoir
`,"init.lua":`local clear = tonumber(ARGV[num_static_argv + 1])
local limiter_version = ARGV[num_static_argv + 2]
local num_local_argv = num_static_argv + 2

if clear == 1 then
  redis.call('del', unpack(KEYS))
end

if redis.call('exists', settings_key) == 0 then
  -- Create
  local args = {'hmset', settings_key}

  for i = num_local_argv + 1, #ARGV do
    table.insert(args, ARGV[i])
  end

  redis.call(unpack(args))
  redis.call('hmset', settings_key,
    'nextRequest', now,
    'lastReservoirRefresh', now,
    'lastReservoirIncrease', now,
    'running', 0,
    'done', 0,
    'unblockTime', 0,
    'capacityPriorityCounter', 0
  )

else
  -- Apply migrations
  local settings = redis.call('hmget', settings_key,
    'id',
    'version'
  )
  local id = settings[1]
  local current_version = settings[2]

  if current_version ~= limiter_version then
    local version_digits = {}
    for k, v in string.gmatch(current_version, "([^.]+)") do
      table.insert(version_digits, tonumber(k))
    end

    -- 2.10.0
    if version_digits[2] < 10 then
      redis.call('hsetnx', settings_key, 'reservoirRefreshInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirRefreshAmount', '')
      redis.call('hsetnx', settings_key, 'lastReservoirRefresh', '')
      redis.call('hsetnx', settings_key, 'done', 0)
      redis.call('hset', settings_key, 'version', '2.10.0')
    end

    -- 2.11.1
    if version_digits[2] < 11 or (version_digits[2] == 11 and version_digits[3] < 1) then
      if redis.call('hstrlen', settings_key, 'lastReservoirRefresh') == 0 then
        redis.call('hmset', settings_key,
          'lastReservoirRefresh', now,
          'version', '2.11.1'
        )
      end
    end

    -- 2.14.0
    if version_digits[2] < 14 then
      local old_running_key = 'b_'..id..'_running'
      local old_executing_key = 'b_'..id..'_executing'

      if redis.call('exists', old_running_key) == 1 then
        redis.call('rename', old_running_key, job_weights_key)
      end
      if redis.call('exists', old_executing_key) == 1 then
        redis.call('rename', old_executing_key, job_expirations_key)
      end
      redis.call('hset', settings_key, 'version', '2.14.0')
    end

    -- 2.15.2
    if version_digits[2] < 15 or (version_digits[2] == 15 and version_digits[3] < 2) then
      redis.call('hsetnx', settings_key, 'capacityPriorityCounter', 0)
      redis.call('hset', settings_key, 'version', '2.15.2')
    end

    -- 2.17.0
    if version_digits[2] < 17 then
      redis.call('hsetnx', settings_key, 'clientTimeout', 10000)
      redis.call('hset', settings_key, 'version', '2.17.0')
    end

    -- 2.18.0
    if version_digits[2] < 18 then
      redis.call('hsetnx', settings_key, 'reservoirIncreaseInterval', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseAmount', '')
      redis.call('hsetnx', settings_key, 'reservoirIncreaseMaximum', '')
      redis.call('hsetnx', settings_key, 'lastReservoirIncrease', now)
      redis.call('hset', settings_key, 'version', '2.18.0')
    end

  end

  process_tick(now, false)
end

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return {}
`,"process_tick.lua":`local process_tick = function (now, always_publish)

  local compute_capacity = function (maxConcurrent, running, reservoir)
    if maxConcurrent ~= nil and reservoir ~= nil then
      return math.min((maxConcurrent - running), reservoir)
    elseif maxConcurrent ~= nil then
      return maxConcurrent - running
    elseif reservoir ~= nil then
      return reservoir
    else
      return nil
    end
  end

  local settings = redis.call('hmget', settings_key,
    'id',
    'maxConcurrent',
    'running',
    'reservoir',
    'reservoirRefreshInterval',
    'reservoirRefreshAmount',
    'lastReservoirRefresh',
    'reservoirIncreaseInterval',
    'reservoirIncreaseAmount',
    'reservoirIncreaseMaximum',
    'lastReservoirIncrease',
    'capacityPriorityCounter',
    'clientTimeout'
  )
  local id = settings[1]
  local maxConcurrent = tonumber(settings[2])
  local running = tonumber(settings[3])
  local reservoir = tonumber(settings[4])
  local reservoirRefreshInterval = tonumber(settings[5])
  local reservoirRefreshAmount = tonumber(settings[6])
  local lastReservoirRefresh = tonumber(settings[7])
  local reservoirIncreaseInterval = tonumber(settings[8])
  local reservoirIncreaseAmount = tonumber(settings[9])
  local reservoirIncreaseMaximum = tonumber(settings[10])
  local lastReservoirIncrease = tonumber(settings[11])
  local capacityPriorityCounter = tonumber(settings[12])
  local clientTimeout = tonumber(settings[13])

  local initial_capacity = compute_capacity(maxConcurrent, running, reservoir)

  --
  -- Process 'running' changes
  --
  local expired = redis.call('zrangebyscore', job_expirations_key, '-inf', '('..now)

  if #expired > 0 then
    redis.call('zremrangebyscore', job_expirations_key, '-inf', '('..now)

    local flush_batch = function (batch, acc)
      local weights = redis.call('hmget', job_weights_key, unpack(batch))
                      redis.call('hdel',  job_weights_key, unpack(batch))
      local clients = redis.call('hmget', job_clients_key, unpack(batch))
                      redis.call('hdel',  job_clients_key, unpack(batch))

      -- Calculate sum of removed weights
      for i = 1, #weights do
        acc['total'] = acc['total'] + (tonumber(weights[i]) or 0)
      end

      -- Calculate sum of removed weights by client
      local client_weights = {}
      for i = 1, #clients do
        local removed = tonumber(weights[i]) or 0
        if removed > 0 then
          acc['client_weights'][clients[i]] = (acc['client_weights'][clients[i]] or 0) + removed
        end
      end
    end

    local acc = {
      ['total'] = 0,
      ['client_weights'] = {}
    }
    local batch_size = 1000

    -- Compute changes to Zsets and apply changes to Hashes
    for i = 1, #expired, batch_size do
      local batch = {}
      for j = i, math.min(i + batch_size - 1, #expired) do
        table.insert(batch, expired[j])
      end

      flush_batch(batch, acc)
    end

    -- Apply changes to Zsets
    if acc['total'] > 0 then
      redis.call('hincrby', settings_key, 'done', acc['total'])
      running = tonumber(redis.call('hincrby', settings_key, 'running', -acc['total']))
    end

    for client, weight in pairs(acc['client_weights']) do
      redis.call('zincrby', client_running_key, -weight, client)
    end
  end

  --
  -- Process 'reservoir' changes
  --
  local reservoirRefreshActive = reservoirRefreshInterval ~= nil and reservoirRefreshAmount ~= nil
  if reservoirRefreshActive and now >= lastReservoirRefresh + reservoirRefreshInterval then
    reservoir = reservoirRefreshAmount
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'lastReservoirRefresh', now
    )
  end

  local reservoirIncreaseActive = reservoirIncreaseInterval ~= nil and reservoirIncreaseAmount ~= nil
  if reservoirIncreaseActive and now >= lastReservoirIncrease + reservoirIncreaseInterval then
    local num_intervals = math.floor((now - lastReservoirIncrease) / reservoirIncreaseInterval)
    local incr = reservoirIncreaseAmount * num_intervals
    if reservoirIncreaseMaximum ~= nil then
      incr = math.min(incr, reservoirIncreaseMaximum - (reservoir or 0))
    end
    if incr > 0 then
      reservoir = (reservoir or 0) + incr
    end
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'lastReservoirIncrease', lastReservoirIncrease + (num_intervals * reservoirIncreaseInterval)
    )
  end

  --
  -- Clear unresponsive clients
  --
  local unresponsive = redis.call('zrangebyscore', client_last_seen_key, '-inf', (now - clientTimeout))
  local unresponsive_lookup = {}
  local terminated_clients = {}
  for i = 1, #unresponsive do
    unresponsive_lookup[unresponsive[i]] = true
    if tonumber(redis.call('zscore', client_running_key, unresponsive[i])) == 0 then
      table.insert(terminated_clients, unresponsive[i])
    end
  end
  if #terminated_clients > 0 then
    redis.call('zrem', client_running_key,         unpack(terminated_clients))
    redis.call('hdel', client_num_queued_key,      unpack(terminated_clients))
    redis.call('zrem', client_last_registered_key, unpack(terminated_clients))
    redis.call('zrem', client_last_seen_key,       unpack(terminated_clients))
  end

  --
  -- Broadcast capacity changes
  --
  local final_capacity = compute_capacity(maxConcurrent, running, reservoir)

  if always_publish or (initial_capacity ~= nil and final_capacity == nil) then
    -- always_publish or was not unlimited, now unlimited
    redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))

  elseif initial_capacity ~= nil and final_capacity ~= nil and final_capacity > initial_capacity then
    -- capacity was increased
    -- send the capacity message to the limiter having the lowest number of running jobs
    -- the tiebreaker is the limiter having not registered a job in the longest time

    local lowest_concurrency_value = nil
    local lowest_concurrency_clients = {}
    local lowest_concurrency_last_registered = {}
    local client_concurrencies = redis.call('zrange', client_running_key, 0, -1, 'withscores')

    for i = 1, #client_concurrencies, 2 do
      local client = client_concurrencies[i]
      local concurrency = tonumber(client_concurrencies[i+1])

      if (
        lowest_concurrency_value == nil or lowest_concurrency_value == concurrency
      ) and (
        not unresponsive_lookup[client]
      ) and (
        tonumber(redis.call('hget', client_num_queued_key, client)) > 0
      ) then
        lowest_concurrency_value = concurrency
        table.insert(lowest_concurrency_clients, client)
        local last_registered = tonumber(redis.call('zscore', client_last_registered_key, client))
        table.insert(lowest_concurrency_last_registered, last_registered)
      end
    end

    if #lowest_concurrency_clients > 0 then
      local position = 1
      local earliest = lowest_concurrency_last_registered[1]

      for i,v in ipairs(lowest_concurrency_last_registered) do
        if v < earliest then
          position = i
          earliest = v
        end
      end

      local next_client = lowest_concurrency_clients[position]
      redis.call('publish', 'b_'..id,
        'capacity-priority:'..(final_capacity or '')..
        ':'..next_client..
        ':'..capacityPriorityCounter
      )
      redis.call('hincrby', settings_key, 'capacityPriorityCounter', '1')
    else
      redis.call('publish', 'b_'..id, 'capacity:'..(final_capacity or ''))
    end
  end

  return {
    ['capacity'] = final_capacity,
    ['running'] = running,
    ['reservoir'] = reservoir
  }
end
`,"queued.lua":`local clientTimeout = tonumber(redis.call('hget', settings_key, 'clientTimeout'))
local valid_clients = redis.call('zrangebyscore', client_last_seen_key, (now - clientTimeout), 'inf')
local client_queued = redis.call('hmget', client_num_queued_key, unpack(valid_clients))

local sum = 0
for i = 1, #client_queued do
  sum = sum + tonumber(client_queued[i])
end

return sum
`,"refresh_expiration.lua":`local refresh_expiration = function (now, nextRequest, groupTimeout)

  if groupTimeout ~= nil then
    local ttl = (nextRequest + groupTimeout) - now

    for i = 1, #KEYS do
      redis.call('pexpire', KEYS[i], ttl)
    end
  end

end
`,"refs.lua":`local settings_key = KEYS[1]
local job_weights_key = KEYS[2]
local job_expirations_key = KEYS[3]
local job_clients_key = KEYS[4]
local client_running_key = KEYS[5]
local client_num_queued_key = KEYS[6]
local client_last_registered_key = KEYS[7]
local client_last_seen_key = KEYS[8]

local now = tonumber(ARGV[1])
local client = ARGV[2]

local num_static_argv = 2
`,"register.lua":`local index = ARGV[num_static_argv + 1]
local weight = tonumber(ARGV[num_static_argv + 2])
local expiration = tonumber(ARGV[num_static_argv + 3])

local state = process_tick(now, false)
local capacity = state['capacity']
local reservoir = state['reservoir']

local settings = redis.call('hmget', settings_key,
  'nextRequest',
  'minTime',
  'groupTimeout'
)
local nextRequest = tonumber(settings[1])
local minTime = tonumber(settings[2])
local groupTimeout = tonumber(settings[3])

if conditions_check(capacity, weight) then

  redis.call('hincrby', settings_key, 'running', weight)
  redis.call('hset', job_weights_key, index, weight)
  if expiration ~= nil then
    redis.call('zadd', job_expirations_key, now + expiration, index)
  end
  redis.call('hset', job_clients_key, index, client)
  redis.call('zincrby', client_running_key, weight, client)
  redis.call('hincrby', client_num_queued_key, client, -1)
  redis.call('zadd', client_last_registered_key, now, client)

  local wait = math.max(nextRequest - now, 0)
  local newNextRequest = now + wait + minTime

  if reservoir == nil then
    redis.call('hset', settings_key,
      'nextRequest', newNextRequest
    )
  else
    reservoir = reservoir - weight
    redis.call('hmset', settings_key,
      'reservoir', reservoir,
      'nextRequest', newNextRequest
    )
  end

  refresh_expiration(now, newNextRequest, groupTimeout)

  return {true, wait, reservoir}

else
  return {false}
end
`,"register_client.lua":`local queued = tonumber(ARGV[num_static_argv + 1])

-- Could have been re-registered concurrently
if not redis.call('zscore', client_last_seen_key, client) then
  redis.call('zadd', client_running_key, 0, client)
  redis.call('hset', client_num_queued_key, client, queued)
  redis.call('zadd', client_last_registered_key, 0, client)
end

redis.call('zadd', client_last_seen_key, now, client)

return {}
`,"running.lua":`return process_tick(now, false)['running']
`,"submit.lua":`local queueLength = tonumber(ARGV[num_static_argv + 1])
local weight = tonumber(ARGV[num_static_argv + 2])

local capacity = process_tick(now, false)['capacity']

local settings = redis.call('hmget', settings_key,
  'id',
  'maxConcurrent',
  'highWater',
  'nextRequest',
  'strategy',
  'unblockTime',
  'penalty',
  'minTime',
  'groupTimeout'
)
local id = settings[1]
local maxConcurrent = tonumber(settings[2])
local highWater = tonumber(settings[3])
local nextRequest = tonumber(settings[4])
local strategy = tonumber(settings[5])
local unblockTime = tonumber(settings[6])
local penalty = tonumber(settings[7])
local minTime = tonumber(settings[8])
local groupTimeout = tonumber(settings[9])

if maxConcurrent ~= nil and weight > maxConcurrent then
  return redis.error_reply('OVERWEIGHT:'..weight..':'..maxConcurrent)
end

local reachedHWM = (highWater ~= nil and queueLength == highWater
  and not (
    conditions_check(capacity, weight)
    and nextRequest - now <= 0
  )
)

local blocked = strategy == 3 and (reachedHWM or unblockTime >= now)

if blocked then
  local computedPenalty = penalty
  if computedPenalty == nil then
    if minTime == 0 then
      computedPenalty = 5000
    else
      computedPenalty = 15 * minTime
    end
  end

  local newNextRequest = now + computedPenalty + minTime

  redis.call('hmset', settings_key,
    'unblockTime', now + computedPenalty,
    'nextRequest', newNextRequest
  )

  local clients_queued_reset = redis.call('hkeys', client_num_queued_key)
  local queued_reset = {}
  for i = 1, #clients_queued_reset do
    table.insert(queued_reset, clients_queued_reset[i])
    table.insert(queued_reset, 0)
  end
  redis.call('hmset', client_num_queued_key, unpack(queued_reset))

  redis.call('publish', 'b_'..id, 'blocked:')

  refresh_expiration(now, newNextRequest, groupTimeout)
end

if not blocked and not reachedHWM then
  redis.call('hincrby', client_num_queued_key, client, 1)
end

return {reachedHWM, blocked, strategy}
`,"update_settings.lua":`local args = {'hmset', settings_key}

for i = num_static_argv + 1, #ARGV do
  table.insert(args, ARGV[i])
end

redis.call(unpack(args))

process_tick(now, true)

local groupTimeout = tonumber(redis.call('hget', settings_key, 'groupTimeout'))
refresh_expiration(0, 0, groupTimeout)

return {}
`,"validate_client.lua":`if not redis.call('zscore', client_last_seen_key, client) then
  return redis.error_reply('UNKNOWN_CLIENT')
end

redis.call('zadd', client_last_seen_key, now, client)
`,"validate_keys.lua":`if not (redis.call('exists', settings_key) == 1) then
  return redis.error_reply('SETTINGS_KEY_NOT_FOUND')
end
`}});var he=A(I=>{"use strict";var le,S,ce;S=Cr();le={refs:S["refs.lua"],validate_keys:S["validate_keys.lua"],validate_client:S["validate_client.lua"],refresh_expiration:S["refresh_expiration.lua"],process_tick:S["process_tick.lua"],conditions_check:S["conditions_check.lua"],get_time:S["get_time.lua"]};I.allKeys=function(r){return[`b_${r}_settings`,`b_${r}_job_weights`,`b_${r}_job_expirations`,`b_${r}_job_clients`,`b_${r}_client_running`,`b_${r}_client_num_queued`,`b_${r}_client_last_registered`,`b_${r}_client_last_seen`]};ce={init:{keys:I.allKeys,headers:["process_tick"],refresh_expiration:!0,code:S["init.lua"]},group_check:{keys:I.allKeys,headers:[],refresh_expiration:!1,code:S["group_check.lua"]},register_client:{keys:I.allKeys,headers:["validate_keys"],refresh_expiration:!1,code:S["register_client.lua"]},blacklist_client:{keys:I.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:S["blacklist_client.lua"]},heartbeat:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["heartbeat.lua"]},update_settings:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["update_settings.lua"]},running:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["running.lua"]},queued:{keys:I.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:S["queued.lua"]},done:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["done.lua"]},check:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!1,code:S["check.lua"]},submit:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:S["submit.lua"]},register:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:S["register.lua"]},free:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["free.lua"]},current_reservoir:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["current_reservoir.lua"]},increment_reservoir:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["increment_reservoir.lua"]}};I.names=Object.keys(ce);I.keys=function(r,t){return ce[r].keys(t)};I.payload=function(r){var t;return t=ce[r],Array.prototype.concat(le.refs,t.headers.map(function(e){return le[e]}),t.refresh_expiration?le.refresh_expiration:"",t.code).join(`
`)}});var de=A((exports,module)=>{"use strict";function asyncGeneratorStep(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function _asyncToGenerator(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){asyncGeneratorStep(i,s,n,o,a,"next",l)}function a(l){asyncGeneratorStep(i,s,n,o,a,"throw",l)}o(void 0)})}}var Events,RedisConnection,Scripts,parser;parser=W();Events=J();Scripts=he();RedisConnection=function(){class RedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("redis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.client==null&&(this.client=this.Redis.createClient(this.clientOptions)),this.subscriber=this.client.duplicate(),this.limiters={},this.shas={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>this._loadScripts()).then(()=>({client:this.client,subscriber:this.subscriber}))}_setup(r,t){return r.setMaxListeners(0),new this.Promise((e,s)=>(r.on("error",n=>this.Events.trigger("error",n)),t&&r.on("message",(n,i)=>{var o;return(o=this.limiters[n])!=null?o._store.onMessage(n,i):void 0}),r.ready?e():r.once("ready",e)))}_loadScript(r){return new this.Promise((t,e)=>{var s;return s=Scripts.payload(r),this.client.multi([["script","load",s]]).exec((n,i)=>n!=null?e(n):(this.shas[r]=i[0],t(i[0])))})}_loadScripts(){return this.Promise.all(Scripts.names.map(r=>this._loadScript(r)))}__runCommand__(r){var t=this;return _asyncToGenerator(function*(){return yield t.ready,new t.Promise((e,s)=>t.client.multi([r]).exec_atomic(function(n,i){return n!=null?s(n):e(i[0])}))})()}__addLimiter__(r){return this.Promise.all([r.channel(),r.channel_client()].map(t=>new this.Promise((e,s)=>{var n;return n=i=>{if(i===t)return this.subscriber.removeListener("subscribe",n),this.limiters[t]=r,e()},this.subscriber.on("subscribe",n),this.subscriber.subscribe(t)})))}__removeLimiter__(r){var t=this;return this.Promise.all([r.channel(),r.channel_client()].map((function(){var e=_asyncToGenerator(function*(s){return t.terminated||(yield new t.Promise((n,i)=>t.subscriber.unsubscribe(s,function(o,a){if(o!=null)return i(o);if(a===s)return n()}))),delete t.limiters[s]});return function(s){return e.apply(this,arguments)}})()))}__scriptArgs__(r,t,e,s){var n;return n=Scripts.keys(r,t),[this.shas[r],n.length].concat(n,e,s)}__scriptFn__(r){return this.client.evalsha.bind(this.client)}disconnect(r=!0){var t,e,s,n;for(n=Object.keys(this.limiters),t=0,s=n.length;t<s;t++)e=n[t],clearInterval(this.limiters[e]._store.heartbeat);return this.limiters={},this.terminated=!0,this.client.end(r),this.subscriber.end(r),this.Promise.resolve()}}return RedisConnection.prototype.datastore="redis",RedisConnection.prototype.defaults={Redis:null,clientOptions:{},client:null,Promise,Events:null},RedisConnection}.call(void 0);module.exports=RedisConnection});var pe=A((exports,module)=>{"use strict";function _slicedToArray(r,t){return _arrayWithHoles(r)||_iterableToArrayLimit(r,t)||_nonIterableRest()}function _nonIterableRest(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArrayLimit(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(l){n=!0,i=l}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function _arrayWithHoles(r){if(Array.isArray(r))return r}function asyncGeneratorStep(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function _asyncToGenerator(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){asyncGeneratorStep(i,s,n,o,a,"next",l)}function a(l){asyncGeneratorStep(i,s,n,o,a,"throw",l)}o(void 0)})}}var Events,IORedisConnection,Scripts,parser;parser=W();Events=J();Scripts=he();IORedisConnection=function(){class IORedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("ioredis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.clusterNodes!=null?(this.client=new this.Redis.Cluster(this.clusterNodes,this.clientOptions),this.subscriber=new this.Redis.Cluster(this.clusterNodes,this.clientOptions)):this.client!=null&&this.client.duplicate==null?this.subscriber=new this.Redis.Cluster(this.client.startupNodes,this.client.options):(this.client==null&&(this.client=new this.Redis(this.clientOptions)),this.subscriber=this.client.duplicate()),this.limiters={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>(this._loadScripts(),{client:this.client,subscriber:this.subscriber}))}_setup(r,t){return r.setMaxListeners(0),new this.Promise((e,s)=>(r.on("error",n=>this.Events.trigger("error",n)),t&&r.on("message",(n,i)=>{var o;return(o=this.limiters[n])!=null?o._store.onMessage(n,i):void 0}),r.status==="ready"?e():r.once("ready",e)))}_loadScripts(){return Scripts.names.forEach(r=>this.client.defineCommand(r,{lua:Scripts.payload(r)}))}__runCommand__(r){var t=this;return _asyncToGenerator(function*(){var e,s;yield t.ready;var n=yield t.client.pipeline([r]).exec(),i=_slicedToArray(n,1),o=_slicedToArray(i[0],2);return e=o[0],s=o[1],s})()}__addLimiter__(r){return this.Promise.all([r.channel(),r.channel_client()].map(t=>new this.Promise((e,s)=>this.subscriber.subscribe(t,()=>(this.limiters[t]=r,e())))))}__removeLimiter__(r){var t=this;return[r.channel(),r.channel_client()].forEach((function(){var e=_asyncToGenerator(function*(s){return t.terminated||(yield t.subscriber.unsubscribe(s)),delete t.limiters[s]});return function(s){return e.apply(this,arguments)}})())}__scriptArgs__(r,t,e,s){var n;return n=Scripts.keys(r,t),[n.length].concat(n,e,s)}__scriptFn__(r){return this.client[r].bind(this.client)}disconnect(r=!0){var t,e,s,n;for(n=Object.keys(this.limiters),t=0,s=n.length;t<s;t++)e=n[t],clearInterval(this.limiters[e]._store.heartbeat);return this.limiters={},this.terminated=!0,r?this.Promise.all([this.client.quit(),this.subscriber.quit()]):(this.client.disconnect(),this.subscriber.disconnect(),this.Promise.resolve())}}return IORedisConnection.prototype.datastore="ioredis",IORedisConnection.prototype.defaults={Redis:null,clientOptions:{},clusterNodes:null,client:null,Promise,Events:null},IORedisConnection}.call(void 0);module.exports=IORedisConnection});var Dr=A((so,$r)=>{"use strict";function _e(r,t){return $n(r)||Ln(r,t)||Nn()}function Nn(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function Ln(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(l){n=!0,i=l}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function $n(r){if(Array.isArray(r))return r}function jr(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function B(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){jr(i,s,n,o,a,"next",l)}function a(l){jr(i,s,n,o,a,"throw",l)}o(void 0)})}}var qr,Pr,Nr,Lr,Fe;Fe=W();qr=Y();Nr=de();Pr=pe();Lr=class{constructor(t,e,s){this.instance=t,this.storeOptions=e,this.originalId=this.instance.id,this.clientId=this.instance._randomIndex(),Fe.load(s,s,this),this.clients={},this.capacityPriorityCounters={},this.sharedConnection=this.connection!=null,this.connection==null&&(this.connection=this.instance.datastore==="redis"?new Nr({Redis:this.Redis,clientOptions:this.clientOptions,Promise:this.Promise,Events:this.instance.Events}):this.instance.datastore==="ioredis"?new Pr({Redis:this.Redis,clientOptions:this.clientOptions,clusterNodes:this.clusterNodes,Promise:this.Promise,Events:this.instance.Events}):void 0),this.instance.connection=this.connection,this.instance.datastore=this.connection.datastore,this.ready=this.connection.ready.then(n=>(this.clients=n,this.runScript("init",this.prepareInitSettings(this.clearDatastore)))).then(()=>this.connection.__addLimiter__(this.instance)).then(()=>this.runScript("register_client",[this.instance.queued()])).then(()=>{var n;return typeof(n=this.heartbeat=setInterval(()=>this.runScript("heartbeat",[]).catch(i=>this.instance.Events.trigger("error",i)),this.heartbeatInterval)).unref=="function"&&n.unref(),this.clients})}__publish__(t){var e=this;return B(function*(){var s,n=yield e.ready;return s=n.client,s.publish(e.instance.channel(),`message:${t.toString()}`)})()}onMessage(t,e){var s=this;return B(function*(){var n,i,o,a,l,p,f,g,y,E;try{f=e.indexOf(":");var w=[e.slice(0,f),e.slice(f+1)];if(E=w[0],o=w[1],E==="capacity")return yield s.instance._drainAll(o.length>0?~~o:void 0);if(E==="capacity-priority"){var O=o.split(":"),T=_e(O,3);return y=T[0],g=T[1],i=T[2],n=y.length>0?~~y:void 0,g===s.clientId?(a=yield s.instance._drainAll(n),p=n!=null?n-(a||0):"",yield s.clients.client.publish(s.instance.channel(),`capacity-priority:${p}::${i}`)):g===""?(clearTimeout(s.capacityPriorityCounters[i]),delete s.capacityPriorityCounters[i],s.instance._drainAll(n)):s.capacityPriorityCounters[i]=setTimeout(B(function*(){var k;try{return delete s.capacityPriorityCounters[i],yield s.runScript("blacklist_client",[g]),yield s.instance._drainAll(n)}catch(R){return k=R,s.instance.Events.trigger("error",k)}}),1e3)}else{if(E==="message")return s.instance.Events.trigger("message",o);if(E==="blocked")return yield s.instance._dropAllQueued()}}catch(k){return l=k,s.instance.Events.trigger("error",l)}})()}__disconnect__(t){return clearInterval(this.heartbeat),this.sharedConnection?this.connection.__removeLimiter__(this.instance):this.connection.disconnect(t)}runScript(t,e){var s=this;return B(function*(){return t==="init"||t==="register_client"||(yield s.ready),new s.Promise((n,i)=>{var o,a;return o=[Date.now(),s.clientId].concat(e),s.instance.Events.trigger("debug",`Calling Redis script: ${t}.lua`,o),a=s.connection.__scriptArgs__(t,s.originalId,o,function(l,p){return l!=null?i(l):n(p)}),s.connection.__scriptFn__(t)(...a)}).catch(n=>n.message==="SETTINGS_KEY_NOT_FOUND"?t==="heartbeat"?s.Promise.resolve():s.runScript("init",s.prepareInitSettings(!1)).then(()=>s.runScript(t,e)):n.message==="UNKNOWN_CLIENT"?s.runScript("register_client",[s.instance.queued()]).then(()=>s.runScript(t,e)):s.Promise.reject(n))})()}prepareArray(t){var e,s,n,i;for(n=[],e=0,s=t.length;e<s;e++)i=t[e],n.push(i!=null?i.toString():"");return n}prepareObject(t){var e,s,n;e=[];for(s in t)n=t[s],e.push(s,n!=null?n.toString():"");return e}prepareInitSettings(t){var e;return e=this.prepareObject(Object.assign({},this.storeOptions,{id:this.originalId,version:this.instance.version,groupTimeout:this.timeout,clientTimeout:this.clientTimeout})),e.unshift(t?1:0,this.instance.version),e}convertBool(t){return!!t}__updateSettings__(t){var e=this;return B(function*(){return yield e.runScript("update_settings",e.prepareObject(t)),Fe.overwrite(t,t,e.storeOptions)})()}__running__(){return this.runScript("running",[])}__queued__(){return this.runScript("queued",[])}__done__(){return this.runScript("done",[])}__groupCheck__(){var t=this;return B(function*(){return t.convertBool(yield t.runScript("group_check",[]))})()}__incrementReservoir__(t){return this.runScript("increment_reservoir",[t])}__currentReservoir__(){return this.runScript("current_reservoir",[])}__check__(t){var e=this;return B(function*(){return e.convertBool(yield e.runScript("check",e.prepareArray([t])))})()}__register__(t,e,s){var n=this;return B(function*(){var i,o,a,l=yield n.runScript("register",n.prepareArray([t,e,s])),p=_e(l,3);return o=p[0],a=p[1],i=p[2],{success:n.convertBool(o),wait:a,reservoir:i}})()}__submit__(t,e){var s=this;return B(function*(){var n,i,o,a,l,p;try{var f=yield s.runScript("submit",s.prepareArray([t,e])),g=_e(f,3);return l=g[0],n=g[1],p=g[2],{reachedHWM:s.convertBool(l),blocked:s.convertBool(n),strategy:p}}catch(w){if(i=w,i.message.indexOf("OVERWEIGHT")===0){var y=i.message.split(":"),E=_e(y,3);throw a=E[0],e=E[1],o=E[2],new qr(`Impossible to add a job having a weight of ${e} to a limiter having a maxConcurrent setting of ${o}`)}else throw i}})()}__free__(t,e){var s=this;return B(function*(){var n;return n=yield s.runScript("free",s.prepareArray([t])),{running:n}})()}};$r.exports=Lr});var Ur=A((io,Br)=>{"use strict";var Mr,Fr;Mr=Y();Fr=class{constructor(t){this.status=t,this._jobs={},this.counts=this.status.map(function(){return 0})}next(t){var e,s;if(e=this._jobs[t],s=e+1,e!=null&&s<this.status.length)return this.counts[e]--,this.counts[s]++,this._jobs[t]++;if(e!=null)return this.counts[e]--,delete this._jobs[t]}start(t){var e;return e=0,this._jobs[t]=e,this.counts[e]++}remove(t){var e;return e=this._jobs[t],e!=null&&(this.counts[e]--,delete this._jobs[t]),e!=null}jobStatus(t){var e;return(e=this.status[this._jobs[t]])!=null?e:null}statusJobs(t){var e,s,n,i,o;if(t!=null){if(s=this.status.indexOf(t),s<0)throw new Mr(`status must be one of ${this.status.join(", ")}`);n=this._jobs,i=[];for(e in n)o=n[e],o===s&&i.push(e);return i}else return Object.keys(this._jobs)}statusCounts(){return this.counts.reduce((t,e,s)=>(t[this.status[s]]=e,t),{})}};Br.exports=Fr});var Kr=A((ao,Jr)=>{"use strict";function Wr(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function Vr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){Wr(i,s,n,o,a,"next",l)}function a(l){Wr(i,s,n,o,a,"throw",l)}o(void 0)})}}var zr,Hr;zr=$e();Hr=class{constructor(t,e){this.schedule=this.schedule.bind(this),this.name=t,this.Promise=e,this._running=0,this._queue=new zr}isEmpty(){return this._queue.length===0}_tryToRun(){var t=this;return Vr(function*(){var e,s,n,i,o,a,l;if(t._running<1&&t._queue.length>0){t._running++;var p=t._queue.shift();return l=p.task,e=p.args,o=p.resolve,i=p.reject,s=yield Vr(function*(){try{return a=yield l(...e),function(){return o(a)}}catch(f){return n=f,function(){return i(n)}}})(),t._running--,t._tryToRun(),s()}})()}schedule(t,...e){var s,n,i;return i=n=null,s=new this.Promise(function(o,a){return i=o,n=a}),this._queue.push({task:t,args:e,resolve:i,reject:n}),this._tryToRun(),s}};Jr.exports=Hr});var Qr=A((uo,Dn)=>{Dn.exports={version:"2.19.5"}});var ns=A((lo,ss)=>{"use strict";function Mn(r,t){return Un(r)||Bn(r,t)||Fn()}function Fn(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function Bn(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(l){n=!0,i=l}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function Un(r){if(Array.isArray(r))return r}function Yr(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function Be(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){Yr(i,s,n,o,a,"next",l)}function a(l){Yr(i,s,n,o,a,"throw",l)}o(void 0)})}}var Xr,Zr,es,ts,rs,fe;fe=W();Xr=J();ts=de();es=pe();rs=he();Zr=function(){class r{constructor(e={}){this.deleteKey=this.deleteKey.bind(this),this.limiterOptions=e,fe.load(this.limiterOptions,this.defaults,this),this.Events=new Xr(this),this.instances={},this.Bottleneck=Ue(),this._startAutoCleanup(),this.sharedConnection=this.connection!=null,this.connection==null&&(this.limiterOptions.datastore==="redis"?this.connection=new ts(Object.assign({},this.limiterOptions,{Events:this.Events})):this.limiterOptions.datastore==="ioredis"&&(this.connection=new es(Object.assign({},this.limiterOptions,{Events:this.Events}))))}key(e=""){var s;return(s=this.instances[e])!=null?s:(()=>{var n;return n=this.instances[e]=new this.Bottleneck(Object.assign(this.limiterOptions,{id:`${this.id}-${e}`,timeout:this.timeout,connection:this.connection})),this.Events.trigger("created",n,e),n})()}deleteKey(e=""){var s=this;return Be(function*(){var n,i;return i=s.instances[e],s.connection&&(n=yield s.connection.__runCommand__(["del",...rs.allKeys(`${s.id}-${e}`)])),i!=null&&(delete s.instances[e],yield i.disconnect()),i!=null||n>0})()}limiters(){var e,s,n,i;s=this.instances,n=[];for(e in s)i=s[e],n.push({key:e,limiter:i});return n}keys(){return Object.keys(this.instances)}clusterKeys(){var e=this;return Be(function*(){var s,n,i,o,a,l,p,f,g;if(e.connection==null)return e.Promise.resolve(e.keys());for(l=[],s=null,g=`b_${e.id}-`.length,n=9;s!==0;){var y=yield e.connection.__runCommand__(["scan",s??0,"match",`b_${e.id}-*_settings`,"count",1e4]),E=Mn(y,2);for(f=E[0],i=E[1],s=~~f,o=0,p=i.length;o<p;o++)a=i[o],l.push(a.slice(g,-n))}return l})()}_startAutoCleanup(){var e=this,s;return clearInterval(this.interval),typeof(s=this.interval=setInterval(Be(function*(){var n,i,o,a,l,p;l=Date.now(),o=e.instances,a=[];for(i in o){p=o[i];try{(yield p._store.__groupCheck__(l))?a.push(e.deleteKey(i)):a.push(void 0)}catch(f){n=f,a.push(p.Events.trigger("error",n))}}return a}),this.timeout/2)).unref=="function"?s.unref():void 0}updateSettings(e={}){if(fe.overwrite(e,this.defaults,this),fe.overwrite(e,e,this.limiterOptions),e.timeout!=null)return this._startAutoCleanup()}disconnect(e=!0){var s;if(!this.sharedConnection)return(s=this.connection)!=null?s.disconnect(e):void 0}}return r.prototype.defaults={timeout:1e3*60*5,connection:null,Promise,id:"group-key"},r}.call(void 0);ss.exports=Zr});var ls=A((co,us)=>{"use strict";var is,os,as;as=W();os=J();is=function(){class r{constructor(e={}){this.options=e,as.load(this.options,this.defaults,this),this.Events=new os(this),this._arr=[],this._resetPromise(),this._lastFlush=Date.now()}_resetPromise(){return this._promise=new this.Promise((e,s)=>this._resolve=e)}_flush(){return clearTimeout(this._timeout),this._lastFlush=Date.now(),this._resolve(),this.Events.trigger("batch",this._arr),this._arr=[],this._resetPromise()}add(e){var s;return this._arr.push(e),s=this._promise,this._arr.length===this.maxSize?this._flush():this.maxTime!=null&&this._arr.length===1&&(this._timeout=setTimeout(()=>this._flush(),this.maxTime)),s}}return r.prototype.defaults={maxTime:null,maxSize:null,Promise},r}.call(void 0);us.exports=is});var Ue=A((ho,ws)=>{"use strict";function cs(r,t){return _s(r)||Wn(r,t)||ps()}function Wn(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(l){n=!0,i=l}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function me(r){return _s(r)||Vn(r)||ps()}function ps(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function Vn(r){if(Symbol.iterator in Object(r)||Object.prototype.toString.call(r)==="[object Arguments]")return Array.from(r)}function _s(r){if(Array.isArray(r))return r}function hs(r,t,e,s,n,i,o){try{var a=r[i](o),l=a.value}catch(p){e(p);return}a.done?t(l):Promise.resolve(l).then(s,n)}function We(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(l){hs(i,s,n,o,a,"next",l)}function a(l){hs(i,s,n,o,a,"throw",l)}o(void 0)})}}var fs,ms,Ve,ze,gs,He,vs,ys,bs,Je,U,ds=[].splice;He=10;ms=5;U=W();vs=gr();ze=Rr();gs=Ir();ys=Dr();Ve=J();bs=Ur();Je=Kr();fs=function(){class r{constructor(e={},...s){var n,i;this._addToQueue=this._addToQueue.bind(this),this._validateOptions(e,s),U.load(e,this.instanceDefaults,this),this._queues=new vs(He),this._scheduled={},this._states=new bs(["RECEIVED","QUEUED","RUNNING","EXECUTING"].concat(this.trackDoneStatus?["DONE"]:[])),this._limiter=null,this.Events=new Ve(this),this._submitLock=new Je("submit",this.Promise),this._registerLock=new Je("register",this.Promise),i=U.load(e,this.storeDefaults,{}),this._store=function(){if(this.datastore==="redis"||this.datastore==="ioredis"||this.connection!=null)return n=U.load(e,this.redisStoreDefaults,{}),new ys(this,i,n);if(this.datastore==="local")return n=U.load(e,this.localStoreDefaults,{}),new gs(this,i,n);throw new r.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`)}.call(this),this._queues.on("leftzero",()=>{var o;return(o=this._store.heartbeat)!=null&&typeof o.ref=="function"?o.ref():void 0}),this._queues.on("zero",()=>{var o;return(o=this._store.heartbeat)!=null&&typeof o.unref=="function"?o.unref():void 0})}_validateOptions(e,s){if(!(e!=null&&typeof e=="object"&&s.length===0))throw new r.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.")}ready(){return this._store.ready}clients(){return this._store.clients}channel(){return`b_${this.id}`}channel_client(){return`b_${this.id}_${this._store.clientId}`}publish(e){return this._store.__publish__(e)}disconnect(e=!0){return this._store.__disconnect__(e)}chain(e){return this._limiter=e,this}queued(e){return this._queues.queued(e)}clusterQueued(){return this._store.__queued__()}empty(){return this.queued()===0&&this._submitLock.isEmpty()}running(){return this._store.__running__()}done(){return this._store.__done__()}jobStatus(e){return this._states.jobStatus(e)}jobs(e){return this._states.statusJobs(e)}counts(){return this._states.statusCounts()}_randomIndex(){return Math.random().toString(36).slice(2)}check(e=1){return this._store.__check__(e)}_clearGlobalState(e){return this._scheduled[e]!=null?(clearTimeout(this._scheduled[e].expiration),delete this._scheduled[e],!0):!1}_free(e,s,n,i){var o=this;return We(function*(){var a,l;try{var p=yield o._store.__free__(e,n.weight);if(l=p.running,o.Events.trigger("debug",`Freed ${n.id}`,i),l===0&&o.empty())return o.Events.trigger("idle")}catch(f){return a=f,o.Events.trigger("error",a)}})()}_run(e,s,n){var i,o,a;return s.doRun(),i=this._clearGlobalState.bind(this,e),a=this._run.bind(this,e,s),o=this._free.bind(this,e,s),this._scheduled[e]={timeout:setTimeout(()=>s.doExecute(this._limiter,i,a,o),n),expiration:s.options.expiration!=null?setTimeout(function(){return s.doExpire(i,a,o)},n+s.options.expiration):void 0,job:s}}_drainOne(e){return this._registerLock.schedule(()=>{var s,n,i,o,a;if(this.queued()===0)return this.Promise.resolve(null);a=this._queues.getFirst();var l=i=a.first();return o=l.options,s=l.args,e!=null&&o.weight>e?this.Promise.resolve(null):(this.Events.trigger("debug",`Draining ${o.id}`,{args:s,options:o}),n=this._randomIndex(),this._store.__register__(n,o.weight,o.expiration).then(({success:p,wait:f,reservoir:g})=>{var y;return this.Events.trigger("debug",`Drained ${o.id}`,{success:p,args:s,options:o}),p?(a.shift(),y=this.empty(),y&&this.Events.trigger("empty"),g===0&&this.Events.trigger("depleted",y),this._run(n,i,f),this.Promise.resolve(o.weight)):this.Promise.resolve(null)}))})}_drainAll(e,s=0){return this._drainOne(e).then(n=>{var i;return n!=null?(i=e!=null?e-n:e,this._drainAll(i,s+n)):this.Promise.resolve(s)}).catch(n=>this.Events.trigger("error",n))}_dropAllQueued(e){return this._queues.shiftAll(function(s){return s.doDrop({message:e})})}stop(e={}){var s,n;return e=U.load(e,this.stopDefaults),n=i=>{var o;return o=()=>{var a;return a=this._states.counts,a[0]+a[1]+a[2]+a[3]===i},new this.Promise((a,l)=>o()?a():this.on("done",()=>{if(o())return this.removeAllListeners("done"),a()}))},s=e.dropWaitingJobs?(this._run=function(i,o){return o.doDrop({message:e.dropErrorMessage})},this._drainOne=()=>this.Promise.resolve(null),this._registerLock.schedule(()=>this._submitLock.schedule(()=>{var i,o,a;o=this._scheduled;for(i in o)a=o[i],this.jobStatus(a.job.options.id)==="RUNNING"&&(clearTimeout(a.timeout),clearTimeout(a.expiration),a.job.doDrop({message:e.dropErrorMessage}));return this._dropAllQueued(e.dropErrorMessage),n(0)}))):this.schedule({priority:He-1,weight:0},()=>n(1)),this._receive=function(i){return i._reject(new r.prototype.BottleneckError(e.enqueueErrorMessage))},this.stop=()=>this.Promise.reject(new r.prototype.BottleneckError("stop() has already been called")),s}_addToQueue(e){var s=this;return We(function*(){var n,i,o,a,l,p,f;n=e.args,a=e.options;try{var g=yield s._store.__submit__(s.queued(),a.weight);l=g.reachedHWM,i=g.blocked,f=g.strategy}catch(y){return o=y,s.Events.trigger("debug",`Could not queue ${a.id}`,{args:n,options:a,error:o}),e.doDrop({error:o}),!1}return i?(e.doDrop(),!0):l&&(p=f===r.prototype.strategy.LEAK?s._queues.shiftLastFrom(a.priority):f===r.prototype.strategy.OVERFLOW_PRIORITY?s._queues.shiftLastFrom(a.priority+1):f===r.prototype.strategy.OVERFLOW?e:void 0,p?.doDrop(),p==null||f===r.prototype.strategy.OVERFLOW)?(p==null&&e.doDrop(),l):(e.doQueue(l,i),s._queues.push(e),yield s._drainAll(),l)})()}_receive(e){return this._states.jobStatus(e.options.id)!=null?(e._reject(new r.prototype.BottleneckError(`A job with the same id already exists (id=${e.options.id})`)),!1):(e.doReceive(),this._submitLock.schedule(this._addToQueue,e))}submit(...e){var s,n,i,o,a,l,p;if(typeof e[0]=="function"){var f,g,y,E;a=e,f=a,g=me(f),n=g[0],e=g.slice(1),y=ds.call(e,-1),E=cs(y,1),s=E[0],o=U.load({},this.jobDefaults)}else{var w,O,T,k;l=e,w=l,O=me(w),o=O[0],n=O[1],e=O.slice(2),T=ds.call(e,-1),k=cs(T,1),s=k[0],o=U.load(o,this.jobDefaults)}return p=(...R)=>new this.Promise(function(P,x){return n(...R,function(...L){return(L[0]!=null?x:P)(L)})}),i=new ze(p,e,o,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),i.promise.then(function(R){return typeof s=="function"?s(...R):void 0}).catch(function(R){return Array.isArray(R)?typeof s=="function"?s(...R):void 0:typeof s=="function"?s(R):void 0}),this._receive(i)}schedule(...e){var s,n,i;if(typeof e[0]=="function"){var o=e,a=me(o);i=a[0],e=a.slice(1),n={}}else{var l=e,p=me(l);n=p[0],i=p[1],e=p.slice(2)}return s=new ze(i,e,n,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),this._receive(s),s.promise}wrap(e){var s,n;return s=this.schedule.bind(this),n=function(...o){return s(e.bind(this),...o)},n.withOptions=function(i,...o){return s(i,e,...o)},n}updateSettings(e={}){var s=this;return We(function*(){return yield s._store.__updateSettings__(U.overwrite(e,s.storeDefaults)),U.overwrite(e,s.instanceDefaults,s),s})()}currentReservoir(){return this._store.__currentReservoir__()}incrementReservoir(e=0){return this._store.__incrementReservoir__(e)}}return r.default=r,r.Events=Ve,r.version=r.prototype.version=Qr().version,r.strategy=r.prototype.strategy={LEAK:1,OVERFLOW:2,OVERFLOW_PRIORITY:4,BLOCK:3},r.BottleneckError=r.prototype.BottleneckError=Y(),r.Group=r.prototype.Group=ns(),r.RedisConnection=r.prototype.RedisConnection=de(),r.IORedisConnection=r.prototype.IORedisConnection=pe(),r.Batcher=r.prototype.Batcher=ls(),r.prototype.jobDefaults={priority:ms,weight:1,expiration:null,id:"<no-id>"},r.prototype.storeDefaults={maxConcurrent:null,minTime:0,highWater:null,strategy:r.prototype.strategy.LEAK,penalty:null,reservoir:null,reservoirRefreshInterval:null,reservoirRefreshAmount:null,reservoirIncreaseInterval:null,reservoirIncreaseAmount:null,reservoirIncreaseMaximum:null},r.prototype.localStoreDefaults={Promise,timeout:null,heartbeatInterval:250},r.prototype.redisStoreDefaults={Promise,timeout:null,heartbeatInterval:5e3,clientTimeout:1e4,Redis:null,clientOptions:{},clusterNodes:null,clearDatastore:!1,connection:null},r.prototype.instanceDefaults={datastore:"local",connection:null,id:"<no-id>",rejectOnDrop:!0,trackDoneStatus:!1,Promise},r.prototype.stopDefaults={enqueueErrorMessage:"This limiter has been stopped and cannot accept new jobs.",dropWaitingJobs:!0,dropErrorMessage:"This limiter has been stopped."},r}.call(void 0);ws.exports=fs});var Ts=A((po,Es)=>{"use strict";Es.exports=Ue()});function V(){return typeof navigator=="object"&&"userAgent"in navigator?navigator.userAgent:typeof process=="object"&&process.version!==void 0?`Node.js/${process.version.substr(1)} (${process.platform}; ${process.arch})`:"<environment undetectable>"}function se(r,t,e,s){if(typeof e!="function")throw new Error("method for before hook must be a function");return s||(s={}),Array.isArray(t)?t.reverse().reduce((n,i)=>se.bind(null,r,i,n,s),e)():Promise.resolve().then(()=>r.registry[t]?r.registry[t].reduce((n,i)=>i.hook.bind(null,n,s),e)():e(s))}function Tt(r,t,e,s){let n=s;r.registry[e]||(r.registry[e]=[]),t==="before"&&(s=(i,o)=>Promise.resolve().then(n.bind(null,o)).then(i.bind(null,o))),t==="after"&&(s=(i,o)=>{let a;return Promise.resolve().then(i.bind(null,o)).then(l=>(a=l,n(a,o))).then(()=>a)}),t==="error"&&(s=(i,o)=>Promise.resolve().then(i.bind(null,o)).catch(a=>n(a,o))),r.registry[e].push({hook:s,orig:n})}function kt(r,t,e){if(!r.registry[t])return;let s=r.registry[t].map(n=>n.orig).indexOf(e);s!==-1&&r.registry[t].splice(s,1)}var Gt=Function.bind,Rt=Gt.bind(Gt);function Ot(r,t,e){let s=Rt(kt,null).apply(null,e?[t,e]:[t]);r.api={remove:s},r.remove=s,["before","error","after","wrap"].forEach(n=>{let i=e?[t,n,e]:[t,n];r[n]=r.api[n]=Rt(Tt,null).apply(null,i)})}function Ns(){let r=Symbol("Singular"),t={registry:{}},e=se.bind(null,t,r);return Ot(e,t,r),e}function Ls(){let r={registry:{}},t=se.bind(null,r);return Ot(t,r),t}var xt={Singular:Ns,Collection:Ls};var $s="0.0.0-development",Ds=`octokit-endpoint.js/${$s} ${V()}`,Ms={method:"GET",baseUrl:"https://api.github.com",headers:{accept:"application/vnd.github.v3+json","user-agent":Ds},mediaType:{format:""}};function Fs(r){return r?Object.keys(r).reduce((t,e)=>(t[e.toLowerCase()]=r[e],t),{}):{}}function Bs(r){if(typeof r!="object"||r===null||Object.prototype.toString.call(r)!=="[object Object]")return!1;let t=Object.getPrototypeOf(r);if(t===null)return!0;let e=Object.prototype.hasOwnProperty.call(t,"constructor")&&t.constructor;return typeof e=="function"&&e instanceof e&&Function.prototype.call(e)===Function.prototype.call(r)}function It(r,t){let e=Object.assign({},r);return Object.keys(t).forEach(s=>{Bs(t[s])?s in r?e[s]=It(r[s],t[s]):Object.assign(e,{[s]:t[s]}):Object.assign(e,{[s]:t[s]})}),e}function St(r){for(let t in r)r[t]===void 0&&delete r[t];return r}function Te(r,t,e){if(typeof t=="string"){let[n,i]=t.split(" ");e=Object.assign(i?{method:n,url:i}:{url:n},e)}else e=Object.assign({},t);e.headers=Fs(e.headers),St(e),St(e.headers);let s=It(r||{},e);return e.url==="/graphql"&&(r&&r.mediaType.previews?.length&&(s.mediaType.previews=r.mediaType.previews.filter(n=>!s.mediaType.previews.includes(n)).concat(s.mediaType.previews)),s.mediaType.previews=(s.mediaType.previews||[]).map(n=>n.replace(/-preview/,""))),s}function Us(r,t){let e=/\?/.test(r)?"&":"?",s=Object.keys(t);return s.length===0?r:r+e+s.map(n=>n==="q"?"q="+t.q.split("+").map(encodeURIComponent).join("+"):`${n}=${encodeURIComponent(t[n])}`).join("&")}var Ws=/\{[^{}}]+\}/g;function Vs(r){return r.replace(/(?:^\W+)|(?:(?<!\W)\W+$)/g,"").split(/,/)}function zs(r){let t=r.match(Ws);return t?t.map(Vs).reduce((e,s)=>e.concat(s),[]):[]}function At(r,t){let e={__proto__:null};for(let s of Object.keys(r))t.indexOf(s)===-1&&(e[s]=r[s]);return e}function Ct(r){return r.split(/(%[0-9A-Fa-f]{2})/g).map(function(t){return/%[0-9A-Fa-f]/.test(t)||(t=encodeURI(t).replace(/%5B/g,"[").replace(/%5D/g,"]")),t}).join("")}function Q(r){return encodeURIComponent(r).replace(/[!'()*]/g,function(t){return"%"+t.charCodeAt(0).toString(16).toUpperCase()})}function ee(r,t,e){return t=r==="+"||r==="#"?Ct(t):Q(t),e?Q(e)+"="+t:t}function K(r){return r!=null}function Ee(r){return r===";"||r==="&"||r==="?"}function Hs(r,t,e,s){var n=r[e],i=[];if(K(n)&&n!=="")if(typeof n=="string"||typeof n=="number"||typeof n=="bigint"||typeof n=="boolean")n=n.toString(),s&&s!=="*"&&(n=n.substring(0,parseInt(s,10))),i.push(ee(t,n,Ee(t)?e:""));else if(s==="*")Array.isArray(n)?n.filter(K).forEach(function(o){i.push(ee(t,o,Ee(t)?e:""))}):Object.keys(n).forEach(function(o){K(n[o])&&i.push(ee(t,n[o],o))});else{let o=[];Array.isArray(n)?n.filter(K).forEach(function(a){o.push(ee(t,a))}):Object.keys(n).forEach(function(a){K(n[a])&&(o.push(Q(a)),o.push(ee(t,n[a].toString())))}),Ee(t)?i.push(Q(e)+"="+o.join(",")):o.length!==0&&i.push(o.join(","))}else t===";"?K(n)&&i.push(Q(e)):n===""&&(t==="&"||t==="?")?i.push(Q(e)+"="):n===""&&i.push("");return i}function Js(r){return{expand:Ks.bind(null,r)}}function Ks(r,t){var e=["+","#",".","/",";","?","&"];return r=r.replace(/\{([^\{\}]+)\}|([^\{\}]+)/g,function(s,n,i){if(n){let a="",l=[];if(e.indexOf(n.charAt(0))!==-1&&(a=n.charAt(0),n=n.substr(1)),n.split(/,/g).forEach(function(p){var f=/([^:\*]*)(?::(\d+)|(\*))?/.exec(p);l.push(Hs(t,a,f[1],f[2]||f[3]))}),a&&a!=="+"){var o=",";return a==="?"?o="&":a!=="#"&&(o=a),(l.length!==0?a:"")+l.join(o)}else return l.join(",")}else return Ct(i)}),r==="/"?r:r.replace(/\/$/,"")}function jt(r){let t=r.method.toUpperCase(),e=(r.url||"/").replace(/:([a-z]\w+)/g,"{$1}"),s=Object.assign({},r.headers),n,i=At(r,["method","baseUrl","url","headers","request","mediaType"]),o=zs(e);e=Js(e).expand(i),/^http/.test(e)||(e=r.baseUrl+e);let a=Object.keys(r).filter(f=>o.includes(f)).concat("baseUrl"),l=At(i,a);if(!/application\/octet-stream/i.test(s.accept)&&(r.mediaType.format&&(s.accept=s.accept.split(/,/).map(f=>f.replace(/application\/vnd(\.\w+)(\.v3)?(\.\w+)?(\+json)?$/,`application/vnd$1$2.${r.mediaType.format}`)).join(",")),e.endsWith("/graphql")&&r.mediaType.previews?.length)){let f=s.accept.match(/(?<![\w-])[\w-]+(?=-preview)/g)||[];s.accept=f.concat(r.mediaType.previews).map(g=>{let y=r.mediaType.format?`.${r.mediaType.format}`:"+json";return`application/vnd.github.${g}-preview${y}`}).join(",")}return["GET","HEAD"].includes(t)?e=Us(e,l):"data"in l?n=l.data:Object.keys(l).length&&(n=l),!s["content-type"]&&typeof n<"u"&&(s["content-type"]="application/json; charset=utf-8"),["PATCH","PUT"].includes(t)&&typeof n>"u"&&(n=""),Object.assign({method:t,url:e,headers:s},typeof n<"u"?{body:n}:null,r.request?{request:r.request}:null)}function Qs(r,t,e){return jt(Te(r,t,e))}function qt(r,t){let e=Te(r,t),s=Qs.bind(null,e);return Object.assign(s,{DEFAULTS:e,defaults:qt.bind(null,e),merge:Te.bind(null,e),parse:jt})}var Pt=qt(null,Ms);var q=new Uint8Array(256);q[9]|=2;q[32]|=2;q[59]|=4;q[44]|=8;for(let r=128;r<=255;r++)q[r]|=1;for(let r of"!#$%&'*+-.^_`|~")q[r.charCodeAt(0)]|=16;for(let r=48;r<=57;r++)q[r]|=16;for(let r=65;r<=90;r++)q[r]|=17;for(let r=97;r<=122;r++)q[r]|=16;var Nt=(()=>{let r=function(){};return r.prototype=Object.create(null),r})();function Lt(r,t){let e=4|(t?.comma===!0?8:0),s=r.length,n=t?.start??0;for(;(q[r.charCodeAt(n)]&2)!==0;)n++;let i=n,o=0,a=-1,l=t?.parameters===!1?8:0;for(;i<s;){let y=r.charCodeAt(i),E=q[y];if((E&e)!==0){l|=E&8;break}(E&2)!==0?a===-1&&(a=i):a=-1,o|=y&65280|E,i++}let p=a===-1?i:a,f=r.slice(n,p),g=(o&65281)===0?f:f.toLowerCase();return i===s||l!==0?{type:g,index:i,parameters:new Nt}:Ys(r,g,i,s,e)}function Ys(r,t,e,s,n){let i=new Nt;e:for(;e<s;){for(e++;(q[r.charCodeAt(e)]&2)!==0;)e++;let o=e,a=0,l=-1;for(;e<s;){let p=r.charCodeAt(e),f=q[p];if((f&n)!==0){if((f&8)!==0)break e;continue e}if(p===61){let g=l===-1?e:l,y=r.slice(o,g),E=(a&65281)===0?y:y.toLowerCase();for(e++;(q[r.charCodeAt(e)]&2)!==0;)e++;if(e<s&&r.charCodeAt(e)===34){let k=++e,R=!1;for(;e<s;){let P=r.charCodeAt(e);if(P===34){i[E]===void 0&&(i[E]=R?Xs(r,k,e):r.slice(k,e)),e++;let x=0;for(;e<s;){let L=r.charCodeAt(e),$=q[L];if(($&n)!==0){x=$&8;break}e++}if(x!==0)break e;continue e}if(P===92&&e+1<s){R=!0,e+=2;continue}e++}continue e}let w=e,O=0,T=-1;for(;e<s;){let k=r.charCodeAt(e),R=q[k];if((R&n)!==0){O=R&8;break}(R&2)!==0?T===-1&&(T=e):T=-1,e++}if(i[E]===void 0){let k=T===-1?e:T;i[E]=r.slice(w,k)}if(O!==0)break e;continue e}(f&2)!==0?l===-1&&(l=e):l=-1,a|=p&65280|f,e++}}return{type:t,index:e,parameters:i}}function Xs(r,t,e){let s="";for(let n=t;n<e;n++)r.charCodeAt(n)===92&&(s+=r.slice(t,n),t=++n);return s+r.slice(t,e)}var Zs=/^-?\d+$/,ie=/^-?\d+n+$/,z=JSON.stringify,ke=JSON.parse,Bt=/^-?\d+n$/,$t=/([\[:])?"(-?\d+)n"($|\s*[,\}\]])/g,Dt=/([\[:])?("-?\d+n+)n("$|"\s*[,\}\]])/g,Ge=r=>r===void 0||typeof r=="function"||typeof r=="symbol",Re=r=>r!==null&&typeof r=="object"&&r.constructor&&r.constructor.name==="RawJSON",en=(r,t,e)=>{let s="";typeof e=="number"?s=" ".repeat(Math.min(10,Math.max(0,Math.floor(e)))):typeof e=="string"&&(s=e.slice(0,10));let n=typeof t=="function",i=Array.isArray(t)?new Set(t.map(String)):null,o=(w,O,T)=>(T!==null&&typeof T=="object"&&typeof T.toJSON=="function"&&(T=T.toJSON(O)),typeof T=="string"&&ie.test(T)?T+"n":typeof T=="bigint"?"rawJSON"in JSON?JSON.rawJSON(T.toString()):T.toString()+"n":(n&&(T=t.call(w,O,T)),T!==null&&typeof T=="object"&&(T instanceof Number||T instanceof String||T instanceof Boolean)&&(T=T.valueOf()),T)),a=o({"":r},"",r);if(Ge(a))return;let l=a===null||typeof a!="object",p=Re(a);if(l||p)return z(a);let f=[],g=0,y=[{parent:{"":a},key:"",val:a,isArray:Array.isArray(a),keys:Array.isArray(a)?null:Object.keys(a),index:0,first:!0}],E=new WeakSet([a]);for(;y.length>0;){let w=y[y.length-1];w.index===0&&(f.push(w.isArray?"[":"{"),g++);let O=!1;if(w.isArray)if(w.index<w.val.length){w.first||f.push(","),s&&f.push(`
`+s.repeat(g));let T=w.val[w.index],k=o(w.val,String(w.index),T);if(Ge(k))f.push("null"),w.first=!1,w.index++;else{let R=k!==null&&typeof k=="object",P=Re(k);if(R&&!P){if(E.has(k))throw new TypeError("Converting circular structure to JSON");E.add(k),y.push({parent:w.val,key:String(w.index),val:k,isArray:Array.isArray(k),keys:Array.isArray(k)?null:Object.keys(k),index:0,first:!0}),w.first=!1,w.index++}else f.push(z(k)),w.first=!1,w.index++}}else O=!0;else{for(;w.index<w.keys.length;){let k=w.keys[w.index++];if(i&&!i.has(k))continue;let P=w.val[k],x=o(w.val,k,P);if(Ge(x))continue;w.first||f.push(","),s?f.push(`
`+s.repeat(g)+z(k)+": "):f.push(z(k)+":");let L=x!==null&&typeof x=="object",$=Re(x);if(L&&!$){if(E.has(x))throw new TypeError("Converting circular structure to JSON");E.add(x),y.push({parent:w.val,key:k,val:x,isArray:Array.isArray(x),keys:Array.isArray(x)?null:Object.keys(x),index:0,first:!0}),w.first=!1;break}else f.push(z(x)),w.first=!1}w.index>=w.keys.length&&y[y.length-1]===w&&(O=!0)}O&&(g--,!w.first&&s&&f.push(`
`+s.repeat(g)),f.push(w.isArray?"]":"}"),E.delete(w.val),y.pop())}return f.join("")},Ut=(r,t,e)=>{try{return"rawJSON"in JSON?z(r,(a,l)=>typeof l=="bigint"?JSON.rawJSON(l.toString()):typeof t=="function"?t(a,l):(Array.isArray(t)&&t.includes(a),l),e):r?z(r,(a,l)=>typeof l=="string"&&ie.test(l)||typeof l=="bigint"?l.toString()+"n":typeof t=="function"?t(a,l):(Array.isArray(t)&&t.includes(a),l),e).replace($t,"$1$2$3").replace(Dt,"$1$2$3"):z(r,t,e)}catch(s){if(s instanceof RangeError){let n=en(r,t,e);return n===void 0?void 0:"rawJSON"in JSON?n:n.replace($t,"$1$2$3").replace(Dt,"$1$2$3")}throw s}},ne=new Map,tn=()=>{let r=JSON.parse.toString();if(ne.has(r))return ne.get(r);try{let t=JSON.parse("1",(e,s,n)=>!!n?.source&&n.source==="1");return ne.set(r,t),t}catch{return ne.set(r,!1),!1}},rn=(r,t,e,s)=>typeof t=="string"&&Bt.test(t)?BigInt(t.slice(0,-1)):typeof t=="string"&&ie.test(t)?t.slice(0,-1):typeof s=="function"?s(r,t,e):t,sn=(r,t)=>JSON.parse(r,(e,s,n)=>{let i=typeof s=="number",o=s>Number.MAX_SAFE_INTEGER||s<Number.MIN_SAFE_INTEGER,a=i&&o,l=n&&Zs.test(n.source);return a&&l?BigInt(n.source):typeof t=="function"?t(e,s,n):s}),Wt=Number.MAX_SAFE_INTEGER.toString(),Mt=Wt.length,nn=/"(?:[^"\\]|\\.)*"|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/g,on=/^"-?\d+n+"$/,an=(r,t)=>{let e={"":r},s=[{parent:e,key:"",visited:!1}];for(;s.length>0;){let n=s[s.length-1];if(n.visited){let{parent:i,key:o}=n,a=i[o];typeof a=="string"&&(Bt.test(a)?a=BigInt(a.slice(0,-1)):ie.test(a)&&(a=a.slice(0,-1))),typeof t=="function"&&(a=t.call(i,o,a)),a===void 0?delete i[o]:i[o]=a,s.pop()}else{n.visited=!0;let i=n.parent[n.key];if(i!==null&&typeof i=="object"){let a=Object.keys(i);for(let l=a.length-1;l>=0;l--)s.push({parent:i,key:a[l],visited:!1})}}}return e[""]},Ft=r=>r.replace(nn,(t,e,s,n)=>{let i=t[0]==='"';if(i&&on.test(t))return t.substring(0,t.length-1)+'n"';let a=s||n,l=e&&(e.length<Mt||e.length===Mt&&e<=Wt);return i||a||l?t:'"'+t+'n"'}),Vt=(r,t)=>{if(!r)return ke(r,t);try{if(tn())return sn(r,t);let e=Ft(r);return ke(e,(s,n,i)=>rn(s,n,i,t))}catch(e){if(e instanceof RangeError){let s=Ft(r),n=ke(s);return an(n,t)}throw e}};var H=class extends Error{name;status;request;response;constructor(t,e,s){super(t,{cause:s.cause}),this.name="HttpError",this.status=Number.parseInt(e),Number.isNaN(this.status)&&(this.status=0);"response"in s&&(this.response=s.response);let n=Object.assign({},s.request);s.request.headers.authorization&&(n.headers=Object.assign({},s.request.headers,{authorization:s.request.headers.authorization.replace(/(?<! ) .*$/," [REDACTED]")})),n.url=n.url.replace(/\bclient_secret=\w+/g,"client_secret=[REDACTED]").replace(/\baccess_token=\w+/g,"access_token=[REDACTED]"),this.request=n}};var un="10.0.16",ln={headers:{"user-agent":`octokit-request.js/${un} ${V()}`}};function cn(r){if(typeof r!="object"||r===null||Object.prototype.toString.call(r)!=="[object Object]")return!1;let t=Object.getPrototypeOf(r);if(t===null)return!0;let e=Object.prototype.hasOwnProperty.call(t,"constructor")&&t.constructor;return typeof e=="function"&&e instanceof e&&Function.prototype.call(e)===Function.prototype.call(r)}var zt=()=>"";async function Ht(r){let t=r.request?.fetch||globalThis.fetch;if(!t)throw new Error("fetch is not set. Please pass a fetch implementation as new Octokit({ request: { fetch }}). Learn more at https://github.com/octokit/octokit.js/#fetch-missing");let e=r.request?.log||console,s=r.request?.parseSuccessResponseBody!==!1,n=cn(r.body)||Array.isArray(r.body)?Ut(r.body):r.body,i=Object.fromEntries(Object.entries(r.headers).map(([g,y])=>[g,String(y)])),o;try{o=await t(r.url,{method:r.method,body:n,redirect:r.request?.redirect,headers:i,signal:r.request?.signal,...r.body&&{duplex:"half"}})}catch(g){let y="Unknown Error";if(g instanceof Error){if(g.name==="AbortError")throw g.status=500,g;y=g.message,g.name==="TypeError"&&"cause"in g&&(g.cause instanceof Error?y=g.cause.message:typeof g.cause=="string"&&(y=g.cause))}let E=new H(y,500,{request:r});throw E.cause=g,E}let a=o.status,l=o.url,p={};for(let[g,y]of o.headers)p[g]=y;let f={url:l,status:a,headers:p,data:""};if("deprecation"in p){let g=p.link&&p.link.match(/<([^<>]+)>; rel="deprecation"/),y=g&&g.pop();e.warn(`[@octokit/request] "${r.method} ${r.url}" is deprecated. It is scheduled to be removed on ${p.sunset}${y?`. See ${y}`:""}`)}if(a===204||a===205)return f;if(r.method==="HEAD"){if(a<400)return f;throw new H(o.statusText,a,{response:f,request:r})}if(a===304)throw f.data=await Oe(o),new H("Not modified",a,{response:f,request:r});if(a>=400)throw f.data=await Oe(o),new H(dn(f.data),a,{response:f,request:r});return f.data=s?await Oe(o):o.body,f}async function Oe(r){let t=r.headers.get("content-type");if(!t)return r.text().catch(zt);let e=Lt(t);if(hn(e)){let s="";try{return s=await r.text(),Vt(s)}catch{return s}}else return e.type.startsWith("text/")||e.parameters.charset?.toLowerCase()==="utf-8"&&e.type!=="application/octet-stream"?r.text().catch(zt):r.arrayBuffer().catch(()=>new ArrayBuffer(0))}function hn(r){return r.type==="application/json"||r.type==="application/scim+json"}function dn(r){if(typeof r=="string")return r;if(r instanceof ArrayBuffer)return"Unknown error";if(typeof r=="object"&&r!==null&&"message"in r){let t=r,e="documentation_url"in t?` - ${t.documentation_url}`:"";return Array.isArray(t.errors)?`${t.message}: ${t.errors.map(s=>JSON.stringify(s)).join(", ")}${e}`:`${t.message}${e}`}return`Unknown error: ${JSON.stringify(r)}`}function xe(r,t){let e=r.defaults(t);return Object.assign(function(n,i){let o=e.merge(n,i);if(!o.request||!o.request.hook)return Ht(e.parse(o));let a=(l,p)=>Ht(e.parse(e.merge(l,p)));return Object.assign(a,{endpoint:e,defaults:xe.bind(null,e)}),o.request.hook(a,o)},{endpoint:e,defaults:xe.bind(null,e)})}var te=xe(Pt,ln);var pn="0.0.0-development";function _n(r){return`Request failed due to following response errors:
`+r.errors.map(t=>` - ${t.message}`).join(`
`)}var fn=class extends Error{constructor(r,t,e){super(_n(e)),this.request=r,this.headers=t,this.response=e,this.errors=e.errors,this.data=e.data,Error.captureStackTrace&&Error.captureStackTrace(this,this.constructor)}request;headers;response;name="GraphqlResponseError";errors;data},mn=["method","baseUrl","url","headers","request","query","mediaType","operationName"],gn=["query","method","url"],Jt=/\/api\/v3\/?$/;function vn(r,t,e){if(e){if(typeof t=="string"&&"query"in e)return Promise.reject(new Error('[@octokit/graphql] "query" cannot be used as variable name'));for(let o in e)if(gn.includes(o))return Promise.reject(new Error(`[@octokit/graphql] "${o}" cannot be used as variable name`))}let s=typeof t=="string"?Object.assign({query:t},e):t,n=Object.keys(s).reduce((o,a)=>mn.includes(a)?(o[a]=s[a],o):(o.variables||(o.variables={}),o.variables[a]=s[a],o),{}),i=s.baseUrl||r.endpoint.DEFAULTS.baseUrl;return Jt.test(i)&&(n.url=i.replace(Jt,"/api/graphql")),r(n).then(o=>{if(o.data.errors){let a={};for(let l of Object.keys(o.headers))a[l]=o.headers[l];throw new fn(n,a,o.data)}return o.data.data})}function Se(r,t){let e=r.defaults(t);return Object.assign((n,i)=>vn(e,n,i),{defaults:Se.bind(null,e),endpoint:e.endpoint})}var mi=Se(te,{headers:{"user-agent":`octokit-graphql.js/${pn} ${V()}`},method:"POST",url:"/graphql"});function Kt(r){return Se(r,{method:"POST",url:"/graphql"})}var Ae="(?:[a-zA-Z0-9_-]+)",Qt="\\.",Yt=new RegExp(`^${Ae}${Qt}${Ae}${Qt}${Ae}$`),yn=Yt.test.bind(Yt);async function bn(r){let t=yn(r),e=r.startsWith("v1.")||r.startsWith("ghs_"),s=r.startsWith("ghu_");return{type:"token",token:r,tokenType:t?"app":e?"installation":s?"user-to-server":"oauth"}}function wn(r){return r.split(/\./).length===3?`bearer ${r}`:`token ${r}`}async function En(r,t,e,s){let n=t.endpoint.merge(e,s);return n.headers.authorization=wn(r),t(n)}var Xt=function(t){if(!t)throw new Error("[@octokit/auth-token] No token passed to createTokenAuth");if(typeof t!="string")throw new Error("[@octokit/auth-token] Token passed to createTokenAuth is not a string");return t=t.replace(/^(token|bearer) +/i,""),Object.assign(bn.bind(null,t),{hook:En.bind(null,t)})};var Ie="7.0.8";var Zt=()=>{},Tn=console.warn.bind(console),kn=console.error.bind(console);function Gn(r={}){return typeof r.debug!="function"&&(r.debug=Zt),typeof r.info!="function"&&(r.info=Zt),typeof r.warn!="function"&&(r.warn=Tn),typeof r.error!="function"&&(r.error=kn),r}var er=`octokit-core.js/${Ie} ${V()}`,oe=class{static VERSION=Ie;static defaults(t){return class extends this{constructor(...s){let n=s[0]||{};if(typeof t=="function"){super(t(n));return}super(Object.assign({},t,n,n.userAgent&&t.userAgent?{userAgent:`${n.userAgent} ${t.userAgent}`}:null))}}}static plugins=[];static plugin(...t){let e=this.plugins;return class extends this{static plugins=e.concat(t.filter(n=>!e.includes(n)))}}constructor(t={}){let e=new xt.Collection,s={baseUrl:te.endpoint.DEFAULTS.baseUrl,headers:{},request:Object.assign({},t.request,{hook:e.bind(null,"request")}),mediaType:{previews:[],format:""}};if(s.headers["user-agent"]=t.userAgent?`${t.userAgent} ${er}`:er,t.baseUrl&&(s.baseUrl=t.baseUrl),t.previews&&(s.mediaType.previews=t.previews),t.timeZone&&(s.headers["time-zone"]=t.timeZone),this.request=te.defaults(s),this.graphql=Kt(this.request).defaults(s),this.log=Gn(t.log),this.hook=e,t.authStrategy){let{authStrategy:i,...o}=t,a=i(Object.assign({request:this.request,log:this.log,octokit:this,octokitOptions:o},t.auth));e.wrap("request",a.hook),this.auth=a}else if(!t.auth)this.auth=async()=>({type:"unauthenticated"});else{let i=Xt(t.auth);e.wrap("request",i.hook),this.auth=i}let n=this.constructor;for(let i=0;i<n.plugins.length;++i)Object.assign(this,n.plugins[i](this,t))}request;graphql;log;hook;auth};var Rn="0.0.0-development";function On(r){if(!r.data)return{...r,data:[]};if(!(("total_count"in r.data||"total_commits"in r.data)&&!("url"in r.data)))return r;let e=r.data.incomplete_results,s=r.data.repository_selection,n=r.data.total_count,i=r.data.total_commits;delete r.data.incomplete_results,delete r.data.repository_selection,delete r.data.total_count,delete r.data.total_commits;let o=Object.keys(r.data)[0],a=r.data[o];return r.data=a,typeof e<"u"&&(r.data.incomplete_results=e),typeof s<"u"&&(r.data.repository_selection=s),r.data.total_count=n,r.data.total_commits=i,r}function Ce(r,t,e){let s=typeof t=="function"?t.endpoint(e):r.request.endpoint(t,e),n=typeof t=="function"?t:r.request,i=s.method,o=s.headers,a=s.url;return{[Symbol.asyncIterator]:()=>({async next(){if(!a)return{done:!0};try{let l=await n({method:i,url:a,headers:o}),p=On(l);if(a=((p.headers.link||"").match(/<([^<>]+)>;\s*rel="next"/)||[])[1],!a&&"total_commits"in p.data){let f=new URL(p.url),g=f.searchParams,y=parseInt(g.get("page")||"1",10),E=parseInt(g.get("per_page")||"250",10);y*E<p.data.total_commits&&(g.set("page",String(y+1)),a=f.toString())}return{value:p}}catch(l){if(l.status!==409)throw l;return a="",{value:{status:200,headers:{},data:[]}}}}})}}function tr(r,t,e,s){return typeof e=="function"&&(s=e,e=void 0),rr(r,[],Ce(r,t,e)[Symbol.asyncIterator](),s)}function rr(r,t,e,s){return e.next().then(n=>{if(n.done)return t;let i=!1;function o(){i=!0}return t=t.concat(s?s(n.value,o):n.value.data),i?t:rr(r,t,e,s)})}var Ai=Object.assign(tr,{iterator:Ce});function je(r){return{paginate:Object.assign(tr.bind(null,r),{iterator:Ce.bind(null,r)})}}je.VERSION=Rn;var ir=vt(sr(),1),xn="0.0.0-development",Ne=()=>Promise.resolve();function Sn(r,t,e){return r.retryLimiter.schedule(An,r,t,e)}async function An(r,t,e){let{pathname:s}=new URL(e.url,"http://github.test"),n=In(e.method,s),i=!n&&e.method!=="GET"&&e.method!=="HEAD",o=e.method==="GET"&&s.startsWith("/search/"),a=s.startsWith("/graphql"),p=~~t.retryCount>0?{priority:0,weight:0}:{};r.clustering&&(p.expiration=1e3*60),(i||a)&&await r.write.key(r.id).schedule(p,Ne),i&&r.triggersNotification(s)&&await r.notifications.key(r.id).schedule(p,Ne),o&&await r.search.key(r.id).schedule(p,Ne);let f=(n?r.auth:r.global).key(r.id).schedule(p,t,e);if(a){let g=await f;if(g.data.errors!=null&&g.data.errors.some(y=>y.type==="RATE_LIMITED"))throw Object.assign(new Error("GraphQL Rate Limit Exceeded"),{response:g,data:g.data})}return f}function In(r,t){return r==="PATCH"&&/^\/applications\/[^/]+\/token\/scoped$/.test(t)||r==="POST"&&(/^\/applications\/[^/]+\/token$/.test(t)||/^\/app\/installations\/[^/]+\/access_tokens$/.test(t)||t==="/login/oauth/access_token")}var Cn=["/orgs/{org}/invitations","/orgs/{org}/invitations/{invitation_id}","/orgs/{org}/teams/{team_slug}/discussions","/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments","/repos/{owner}/{repo}/collaborators/{username}","/repos/{owner}/{repo}/commits/{commit_sha}/comments","/repos/{owner}/{repo}/issues","/repos/{owner}/{repo}/issues/{issue_number}/comments","/repos/{owner}/{repo}/issues/{issue_number}/sub_issue","/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority","/repos/{owner}/{repo}/pulls","/repos/{owner}/{repo}/pulls/{pull_number}/comments","/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies","/repos/{owner}/{repo}/pulls/{pull_number}/merge","/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers","/repos/{owner}/{repo}/pulls/{pull_number}/reviews","/repos/{owner}/{repo}/releases","/teams/{team_id}/discussions","/teams/{team_id}/discussions/{discussion_number}/comments"];function jn(r){let e=`^(?:${r.map(s=>s.split("/").map(n=>n.startsWith("{")?"(?:.+?)":n).join("/")).map(s=>`(?:${s})`).join("|")})[^/]*$`;return new RegExp(e,"i")}var nr=jn(Cn),or=nr.test.bind(nr),D={},qn=function(r,t){D.global=new r.Group({id:"octokit-global",maxConcurrent:10,...t}),D.auth=new r.Group({id:"octokit-auth",maxConcurrent:1,...t}),D.search=new r.Group({id:"octokit-search",maxConcurrent:1,minTime:2e3,...t}),D.write=new r.Group({id:"octokit-write",maxConcurrent:1,minTime:1e3,...t}),D.notifications=new r.Group({id:"octokit-notifications",maxConcurrent:1,minTime:3e3,...t})};function ae(r,t){let{enabled:e=!0,Bottleneck:s=ir.default,id:n="no-id",timeout:i=1e3*60*2,connection:o}=t.throttle||{};if(!e)return{};let a={timeout:i};typeof o<"u"&&(a.connection=o);let l=Object.assign({clustering:o!=null,triggersNotification:or,fallbackSecondaryRateRetryAfter:60,retryAfterBaseValue:1e3,id:n},t.throttle);if(typeof l.onSecondaryRateLimit!="function"||typeof l.onRateLimit!="function")throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);let p=!1,f=()=>{if(p)return;p=!0,D.global==null&&qn(s,a),l.global=l.global??D.global,l.auth=l.auth??D.auth,l.search=l.search??D.search,l.write=l.write??D.write,l.notifications=l.notifications??D.notifications,l.retryLimiter=l.retryLimiter??new s;let g={},y=new s.Events(g);g.on("secondary-limit",l.onSecondaryRateLimit),g.on("rate-limit",l.onRateLimit),g.on("error",E=>r.log.warn("Error in throttling-plugin limit handler",E)),l.retryLimiter.on("failed",async function(E,w){let[O,T,k]=w.args,{pathname:R}=new URL(k.url,"http://github.test");if(!(R.startsWith("/graphql")&&E.status!==401||E.status===403||E.status===429))return;let x=~~T.retryCount;T.retryCount=x,k.request.retryCount=x;let{wantRetry:L,retryAfter:$=0}=await(async function(){if(/\bsecondary rate\b/i.test(E.message)){let M=Number(E.response.headers["retry-after"])||O.fallbackSecondaryRateRetryAfter;return{wantRetry:await y.trigger("secondary-limit",M,k,r,x),retryAfter:M}}if(E.response.headers!=null&&E.response.headers["x-ratelimit-remaining"]==="0"||(E.response.data?.errors??[]).some(M=>M.type==="RATE_LIMITED")){let M=new Date(~~E.response.headers["x-ratelimit-reset"]*1e3).getTime(),X=Math.max(Math.ceil((M-Date.now())/1e3)+1,0);return{wantRetry:await y.trigger("rate-limit",X,k,r,x),retryAfter:X}}return{}})();if(L)return T.retryCount++,$*O.retryAfterBaseValue})};return r.hook.wrap("request",(g,y)=>(f(),Sn(l,g,y))),{}}ae.VERSION=xn;ae.triggersNotification=or;var ks=vt(Ts(),1);var zn=oe.plugin(je,ae);function Hn(r){let t=r;if(typeof t?.status=="number"&&t.status>0){if(t.status===429&&t.response?.headers?.["x-ratelimit-remaining"]==="0")return!1;let e=t.response?.headers?.["retry-after"];return wt(t.status,e===void 0?void 0:String(e),`answered ${t.status}`)}return Et(r)}function bo(r){let t=r.maxRateLimitRetries??3,e=r.retries??3,s=r.retryBaseMs??1e3,n=r.maxRetryAfterMs??6e4,i=new zn({auth:r.token,baseUrl:(r.apiUrl??"https://api.github.com").replace(/\/+$/,""),userAgent:"stagecraft",request:{fetch:bt},log:{debug(){},info(){},warn:o=>r.warn?.(o),error:o=>r.warn?.(o)},throttle:{...r.writeSpacingMs!==void 0?{write:new ks.default.Group({maxConcurrent:1,minTime:r.writeSpacingMs})}:{},onRateLimit:(o,a,l,p)=>(r.warn?.(`GitHub rate limit on ${a.method} ${a.url}; retrying in ${o}s`),p<t),onSecondaryRateLimit:(o,a,l,p)=>(r.warn?.(`GitHub secondary rate limit on ${a.method} ${a.url}; retrying in ${o}s`),p<t)}});return i.hook.wrap("request",(o,a)=>yt(async()=>o(a),{attempts:e+1,baseMs:s,capMs:n,retryError:Hn,onRetry:({attempt:l,delayMs:p,reason:f})=>r.warn?.(`GitHub ${a.method} ${a.url} ${f}; retry ${l}/${e} in ${p}ms`)})),i}function wo(r){let t=/^([\w.-]+)\/([\w.-]+)$/.exec(r??"");if(!t)throw new Error(`no GitHub repository to talk to (got ${JSON.stringify(r??"")}; expected owner/name)`);return{owner:t[1],repo:t[2]}}function Jn(r){let t=r?.status;return typeof t=="number"?t:void 0}function Eo(r,t){throw Jn(r)===403&&!/rate limit/i.test(r.message)?Object.assign(new Error(`${r.message} \u2014 the token needs \`${t}\` on this repository (workflow \`permissions:\`; pull requests from forks get a read-only token)`),{status:403}):r}export{Hn as a,bo as b,wo as c,Jn as d,Eo as e};
