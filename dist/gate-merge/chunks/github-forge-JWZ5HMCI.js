import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);
import{a as Et,b as Tt,c as kt}from"./chunk-QI25D2HR.js";import{a as A,b as bt,c as wt}from"./chunk-7J3HZ4YD.js";var ir=A((Ne,$e)=>{(function(r,t){typeof Ne=="object"&&typeof $e<"u"?$e.exports=t():typeof define=="function"&&define.amd?define(t):r.Bottleneck=t()})(Ne,(function(){"use strict";var r=typeof globalThis<"u"?globalThis:typeof window<"u"?window:typeof global<"u"?global:typeof self<"u"?self:{};function t(E){return E&&E.default||E}var e=function(E,l,u={}){var h,p,_;for(h in l)_=l[h],u[h]=(p=E[h])!=null?p:_;return u},s=function(E,l,u={}){var h,p;for(h in E)p=E[h],l[h]!==void 0&&(u[h]=p);return u},n={load:e,overwrite:s},i;i=class{constructor(l,u){this.incr=l,this.decr=u,this._first=null,this._last=null,this.length=0}push(l){var u;this.length++,typeof this.incr=="function"&&this.incr(),u={value:l,prev:this._last,next:null},this._last!=null?(this._last.next=u,this._last=u):this._first=this._last=u}shift(){var l;if(this._first!=null)return this.length--,typeof this.decr=="function"&&this.decr(),l=this._first.value,(this._first=this._first.next)!=null?this._first.prev=null:this._last=null,l}first(){if(this._first!=null)return this._first.value}getArray(){var l,u,h;for(l=this._first,h=[];l!=null;)h.push((u=l,l=l.next,u.value));return h}forEachShift(l){var u;for(u=this.shift();u!=null;)l(u),u=this.shift()}debug(){var l,u,h,p,_;for(l=this._first,_=[];l!=null;)_.push((u=l,l=l.next,{value:u.value,prev:(h=u.prev)!=null?h.value:void 0,next:(p=u.next)!=null?p.value:void 0}));return _}};var o=i,a;a=class{constructor(l){if(this.instance=l,this._events={},this.instance.on!=null||this.instance.once!=null||this.instance.removeAllListeners!=null)throw new Error("An Emitter already exists for this object");this.instance.on=(u,h)=>this._addListener(u,"many",h),this.instance.once=(u,h)=>this._addListener(u,"once",h),this.instance.removeAllListeners=(u=null)=>u!=null?delete this._events[u]:this._events={}}_addListener(l,u,h){var p;return(p=this._events)[l]==null&&(p[l]=[]),this._events[l].push({cb:h,status:u}),this.instance}listenerCount(l){return this._events[l]!=null?this._events[l].length:0}async trigger(l,...u){var h,p;try{return l!=="debug"&&this.trigger("debug",`Event triggered: ${l}`,u),this._events[l]==null?void 0:(this._events[l]=this._events[l].filter(function(_){return _.status!=="none"}),p=this._events[l].map(async _=>{var g,b;if(_.status!=="none"){_.status==="once"&&(_.status="none");try{return b=typeof _.cb=="function"?_.cb(...u):void 0,typeof b?.then=="function"?await b:b}catch(G){return g=G,this.trigger("error",g),null}}}),(await Promise.all(p)).find(function(_){return _!=null}))}catch(_){return h=_,this.trigger("error",h),null}}};var c=a,d,f,m;d=o,f=c,m=class{constructor(l){var u;this.Events=new f(this),this._length=0,this._lists=(function(){var h,p,_;for(_=[],u=h=1,p=l;1<=p?h<=p:h>=p;u=1<=p?++h:--h)_.push(new d((()=>this.incr()),(()=>this.decr())));return _}).call(this)}incr(){if(this._length++===0)return this.Events.trigger("leftzero")}decr(){if(--this._length===0)return this.Events.trigger("zero")}push(l){return this._lists[l.options.priority].push(l)}queued(l){return l!=null?this._lists[l].length:this._length}shiftAll(l){return this._lists.forEach(function(u){return u.forEachShift(l)})}getFirst(l=this._lists){var u,h,p;for(u=0,h=l.length;u<h;u++)if(p=l[u],p.length>0)return p;return[]}shiftLastFrom(l){return this.getFirst(this._lists.slice(l).reverse()).shift()}};var y=m,w;w=class extends Error{};var v=w,O,T,k,R,P;R=10,T=5,P=n,O=v,k=class{constructor(l,u,h,p,_,g,b,G){this.task=l,this.args=u,this.rejectOnDrop=_,this.Events=g,this._states=b,this.Promise=G,this.options=P.load(h,p),this.options.priority=this._sanitizePriority(this.options.priority),this.options.id===p.id&&(this.options.id=`${this.options.id}-${this._randomIndex()}`),this.promise=new this.Promise((C,q)=>{this._resolve=C,this._reject=q}),this.retryCount=0}_sanitizePriority(l){var u;return u=~~l!==l?T:l,u<0?0:u>R-1?R-1:u}_randomIndex(){return Math.random().toString(36).slice(2)}doDrop({error:l,message:u="This job has been dropped by Bottleneck"}={}){return this._states.remove(this.options.id)?(this.rejectOnDrop&&this._reject(l??new O(u)),this.Events.trigger("dropped",{args:this.args,options:this.options,task:this.task,promise:this.promise}),!0):!1}_assertStatus(l){var u;if(u=this._states.jobStatus(this.options.id),!(u===l||l==="DONE"&&u===null))throw new O(`Invalid job status ${u}, expected ${l}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`)}doReceive(){return this._states.start(this.options.id),this.Events.trigger("received",{args:this.args,options:this.options})}doQueue(l,u){return this._assertStatus("RECEIVED"),this._states.next(this.options.id),this.Events.trigger("queued",{args:this.args,options:this.options,reachedHWM:l,blocked:u})}doRun(){return this.retryCount===0?(this._assertStatus("QUEUED"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),this.Events.trigger("scheduled",{args:this.args,options:this.options})}async doExecute(l,u,h,p){var _,g,b;this.retryCount===0?(this._assertStatus("RUNNING"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),g={args:this.args,options:this.options,retryCount:this.retryCount},this.Events.trigger("executing",g);try{if(b=await(l!=null?l.schedule(this.options,this.task,...this.args):this.task(...this.args)),u())return this.doDone(g),await p(this.options,g),this._assertStatus("DONE"),this._resolve(b)}catch(G){return _=G,this._onFailure(_,g,u,h,p)}}doExpire(l,u,h){var p,_;return this._states.jobStatus(this.options.id==="RUNNING")&&this._states.next(this.options.id),this._assertStatus("EXECUTING"),_={args:this.args,options:this.options,retryCount:this.retryCount},p=new O(`This job timed out after ${this.options.expiration} ms.`),this._onFailure(p,_,l,u,h)}async _onFailure(l,u,h,p,_){var g,b;if(h())return g=await this.Events.trigger("failed",l,u),g!=null?(b=~~g,this.Events.trigger("retry",`Retrying ${this.options.id} after ${b} ms`,u),this.retryCount++,p(b)):(this.doDone(u),await _(this.options,u),this._assertStatus("DONE"),this._reject(l))}doDone(l){return this._assertStatus("EXECUTING"),this._states.next(this.options.id),this.Events.trigger("done",l)}};var x=k,$,L,M;M=n,$=v,L=class{constructor(l,u,h){this.instance=l,this.storeOptions=u,this.clientId=this.instance._randomIndex(),M.load(h,h,this),this._nextRequest=this._lastReservoirRefresh=this._lastReservoirIncrease=Date.now(),this._running=0,this._done=0,this._unblockTime=0,this.ready=this.Promise.resolve(),this.clients={},this._startHeartbeat()}_startHeartbeat(){var l;return this.heartbeat==null&&(this.storeOptions.reservoirRefreshInterval!=null&&this.storeOptions.reservoirRefreshAmount!=null||this.storeOptions.reservoirIncreaseInterval!=null&&this.storeOptions.reservoirIncreaseAmount!=null)?typeof(l=this.heartbeat=setInterval(()=>{var u,h,p,_,g;if(_=Date.now(),this.storeOptions.reservoirRefreshInterval!=null&&_>=this._lastReservoirRefresh+this.storeOptions.reservoirRefreshInterval&&(this._lastReservoirRefresh=_,this.storeOptions.reservoir=this.storeOptions.reservoirRefreshAmount,this.instance._drainAll(this.computeCapacity())),this.storeOptions.reservoirIncreaseInterval!=null&&_>=this._lastReservoirIncrease+this.storeOptions.reservoirIncreaseInterval&&({reservoirIncreaseAmount:u,reservoirIncreaseMaximum:p,reservoir:g}=this.storeOptions,this._lastReservoirIncrease=_,h=p!=null?Math.min(u,p-g):u,h>0))return this.storeOptions.reservoir+=h,this.instance._drainAll(this.computeCapacity())},this.heartbeatInterval)).unref=="function"?l.unref():void 0:clearInterval(this.heartbeat)}async __publish__(l){return await this.yieldLoop(),this.instance.Events.trigger("message",l.toString())}async __disconnect__(l){return await this.yieldLoop(),clearInterval(this.heartbeat),this.Promise.resolve()}yieldLoop(l=0){return new this.Promise(function(u,h){return setTimeout(u,l)})}computePenalty(){var l;return(l=this.storeOptions.penalty)!=null?l:15*this.storeOptions.minTime||5e3}async __updateSettings__(l){return await this.yieldLoop(),M.overwrite(l,l,this.storeOptions),this._startHeartbeat(),this.instance._drainAll(this.computeCapacity()),!0}async __running__(){return await this.yieldLoop(),this._running}async __queued__(){return await this.yieldLoop(),this.instance.queued()}async __done__(){return await this.yieldLoop(),this._done}async __groupCheck__(l){return await this.yieldLoop(),this._nextRequest+this.timeout<l}computeCapacity(){var l,u;return{maxConcurrent:l,reservoir:u}=this.storeOptions,l!=null&&u!=null?Math.min(l-this._running,u):l!=null?l-this._running:u??null}conditionsCheck(l){var u;return u=this.computeCapacity(),u==null||l<=u}async __incrementReservoir__(l){var u;return await this.yieldLoop(),u=this.storeOptions.reservoir+=l,this.instance._drainAll(this.computeCapacity()),u}async __currentReservoir__(){return await this.yieldLoop(),this.storeOptions.reservoir}isBlocked(l){return this._unblockTime>=l}check(l,u){return this.conditionsCheck(l)&&this._nextRequest-u<=0}async __check__(l){var u;return await this.yieldLoop(),u=Date.now(),this.check(l,u)}async __register__(l,u,h){var p,_;return await this.yieldLoop(),p=Date.now(),this.conditionsCheck(u)?(this._running+=u,this.storeOptions.reservoir!=null&&(this.storeOptions.reservoir-=u),_=Math.max(this._nextRequest-p,0),this._nextRequest=p+_+this.storeOptions.minTime,{success:!0,wait:_,reservoir:this.storeOptions.reservoir}):{success:!1}}strategyIsBlock(){return this.storeOptions.strategy===3}async __submit__(l,u){var h,p,_;if(await this.yieldLoop(),this.storeOptions.maxConcurrent!=null&&u>this.storeOptions.maxConcurrent)throw new $(`Impossible to add a job having a weight of ${u} to a limiter having a maxConcurrent setting of ${this.storeOptions.maxConcurrent}`);return p=Date.now(),_=this.storeOptions.highWater!=null&&l===this.storeOptions.highWater&&!this.check(u,p),h=this.strategyIsBlock()&&(_||this.isBlocked(p)),h&&(this._unblockTime=p+this.computePenalty(),this._nextRequest=this._unblockTime+this.storeOptions.minTime,this.instance._dropAllQueued()),{reachedHWM:_,blocked:h,strategy:this.storeOptions.strategy}}async __free__(l,u){return await this.yieldLoop(),this._running-=u,this._done+=u,this.instance._drainAll(this.computeCapacity()),{running:this._running}}};var Z=L,ve,Ye;ve=v,Ye=class{constructor(l){this.status=l,this._jobs={},this.counts=this.status.map(function(){return 0})}next(l){var u,h;if(u=this._jobs[l],h=u+1,u!=null&&h<this.status.length)return this.counts[u]--,this.counts[h]++,this._jobs[l]++;if(u!=null)return this.counts[u]--,delete this._jobs[l]}start(l){var u;return u=0,this._jobs[l]=u,this.counts[u]++}remove(l){var u;return u=this._jobs[l],u!=null&&(this.counts[u]--,delete this._jobs[l]),u!=null}jobStatus(l){var u;return(u=this.status[this._jobs[l]])!=null?u:null}statusJobs(l){var u,h,p,_,g;if(l!=null){if(h=this.status.indexOf(l),h<0)throw new ve(`status must be one of ${this.status.join(", ")}`);p=this._jobs,_=[];for(u in p)g=p[u],g===h&&_.push(u);return _}else return Object.keys(this._jobs)}statusCounts(){return this.counts.reduce(((l,u,h)=>(l[this.status[h]]=u,l)),{})}};var Ss=Ye,Xe,Ze;Xe=o,Ze=class{constructor(l,u){this.schedule=this.schedule.bind(this),this.name=l,this.Promise=u,this._running=0,this._queue=new Xe}isEmpty(){return this._queue.length===0}async _tryToRun(){var l,u,h,p,_,g,b;if(this._running<1&&this._queue.length>0)return this._running++,{task:b,args:l,resolve:_,reject:p}=this._queue.shift(),u=await(async function(){try{return g=await b(...l),function(){return _(g)}}catch(G){return h=G,function(){return p(h)}}})(),this._running--,this._tryToRun(),u()}schedule(l,...u){var h,p,_;return _=p=null,h=new this.Promise(function(g,b){return _=g,p=b}),this._queue.push({task:l,args:u,resolve:_,reject:p}),this._tryToRun(),h}};var As=Ze,et="2.19.5",Is={version:et},Cs=Object.freeze({version:et,default:Is}),tt=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),rt=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),qs=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),st,nt,it,ot,at,se;se=n,st=c,ot=tt,it=rt,at=qs,nt=(function(){class E{constructor(u={}){this.deleteKey=this.deleteKey.bind(this),this.limiterOptions=u,se.load(this.limiterOptions,this.defaults,this),this.Events=new st(this),this.instances={},this.Bottleneck=yt,this._startAutoCleanup(),this.sharedConnection=this.connection!=null,this.connection==null&&(this.limiterOptions.datastore==="redis"?this.connection=new ot(Object.assign({},this.limiterOptions,{Events:this.Events})):this.limiterOptions.datastore==="ioredis"&&(this.connection=new it(Object.assign({},this.limiterOptions,{Events:this.Events}))))}key(u=""){var h;return(h=this.instances[u])!=null?h:(()=>{var p;return p=this.instances[u]=new this.Bottleneck(Object.assign(this.limiterOptions,{id:`${this.id}-${u}`,timeout:this.timeout,connection:this.connection})),this.Events.trigger("created",p,u),p})()}async deleteKey(u=""){var h,p;return p=this.instances[u],this.connection&&(h=await this.connection.__runCommand__(["del",...at.allKeys(`${this.id}-${u}`)])),p!=null&&(delete this.instances[u],await p.disconnect()),p!=null||h>0}limiters(){var u,h,p,_;h=this.instances,p=[];for(u in h)_=h[u],p.push({key:u,limiter:_});return p}keys(){return Object.keys(this.instances)}async clusterKeys(){var u,h,p,_,g,b,G,C,q;if(this.connection==null)return this.Promise.resolve(this.keys());for(b=[],u=null,q=`b_${this.id}-`.length,h=9;u!==0;)for([C,p]=await this.connection.__runCommand__(["scan",u??0,"match",`b_${this.id}-*_settings`,"count",1e4]),u=~~C,_=0,G=p.length;_<G;_++)g=p[_],b.push(g.slice(q,-h));return b}_startAutoCleanup(){var u;return clearInterval(this.interval),typeof(u=this.interval=setInterval(async()=>{var h,p,_,g,b,G;b=Date.now(),_=this.instances,g=[];for(p in _){G=_[p];try{await G._store.__groupCheck__(b)?g.push(this.deleteKey(p)):g.push(void 0)}catch(C){h=C,g.push(G.Events.trigger("error",h))}}return g},this.timeout/2)).unref=="function"?u.unref():void 0}updateSettings(u={}){if(se.overwrite(u,this.defaults,this),se.overwrite(u,u,this.limiterOptions),u.timeout!=null)return this._startAutoCleanup()}disconnect(u=!0){var h;if(!this.sharedConnection)return(h=this.connection)!=null?h.disconnect(u):void 0}}return E.prototype.defaults={timeout:1e3*60*5,connection:null,Promise,id:"group-key"},E}).call(r);var js=nt,ut,ct,lt;lt=n,ct=c,ut=(function(){class E{constructor(u={}){this.options=u,lt.load(this.options,this.defaults,this),this.Events=new ct(this),this._arr=[],this._resetPromise(),this._lastFlush=Date.now()}_resetPromise(){return this._promise=new this.Promise((u,h)=>this._resolve=u)}_flush(){return clearTimeout(this._timeout),this._lastFlush=Date.now(),this._resolve(),this.Events.trigger("batch",this._arr),this._arr=[],this._resetPromise()}add(u){var h;return this._arr.push(u),h=this._promise,this._arr.length===this.maxSize?this._flush():this.maxTime!=null&&this._arr.length===1&&(this._timeout=setTimeout(()=>this._flush(),this.maxTime)),h}}return E.prototype.defaults={maxTime:null,maxSize:null,Promise},E}).call(r);var Ps=ut,Ns=()=>console.log("You must import the full version of Bottleneck in order to use this feature."),$s=t(Cs),ht,dt,be,we,pt,Ee,_t,ft,mt,Te,F,gt=[].splice;Ee=10,dt=5,F=n,_t=y,we=x,pt=Z,ft=Ns,be=c,mt=Ss,Te=As,ht=(function(){class E{constructor(u={},...h){var p,_;this._addToQueue=this._addToQueue.bind(this),this._validateOptions(u,h),F.load(u,this.instanceDefaults,this),this._queues=new _t(Ee),this._scheduled={},this._states=new mt(["RECEIVED","QUEUED","RUNNING","EXECUTING"].concat(this.trackDoneStatus?["DONE"]:[])),this._limiter=null,this.Events=new be(this),this._submitLock=new Te("submit",this.Promise),this._registerLock=new Te("register",this.Promise),_=F.load(u,this.storeDefaults,{}),this._store=(function(){if(this.datastore==="redis"||this.datastore==="ioredis"||this.connection!=null)return p=F.load(u,this.redisStoreDefaults,{}),new ft(this,_,p);if(this.datastore==="local")return p=F.load(u,this.localStoreDefaults,{}),new pt(this,_,p);throw new E.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`)}).call(this),this._queues.on("leftzero",()=>{var g;return(g=this._store.heartbeat)!=null&&typeof g.ref=="function"?g.ref():void 0}),this._queues.on("zero",()=>{var g;return(g=this._store.heartbeat)!=null&&typeof g.unref=="function"?g.unref():void 0})}_validateOptions(u,h){if(!(u!=null&&typeof u=="object"&&h.length===0))throw new E.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.")}ready(){return this._store.ready}clients(){return this._store.clients}channel(){return`b_${this.id}`}channel_client(){return`b_${this.id}_${this._store.clientId}`}publish(u){return this._store.__publish__(u)}disconnect(u=!0){return this._store.__disconnect__(u)}chain(u){return this._limiter=u,this}queued(u){return this._queues.queued(u)}clusterQueued(){return this._store.__queued__()}empty(){return this.queued()===0&&this._submitLock.isEmpty()}running(){return this._store.__running__()}done(){return this._store.__done__()}jobStatus(u){return this._states.jobStatus(u)}jobs(u){return this._states.statusJobs(u)}counts(){return this._states.statusCounts()}_randomIndex(){return Math.random().toString(36).slice(2)}check(u=1){return this._store.__check__(u)}_clearGlobalState(u){return this._scheduled[u]!=null?(clearTimeout(this._scheduled[u].expiration),delete this._scheduled[u],!0):!1}async _free(u,h,p,_){var g,b;try{if({running:b}=await this._store.__free__(u,p.weight),this.Events.trigger("debug",`Freed ${p.id}`,_),b===0&&this.empty())return this.Events.trigger("idle")}catch(G){return g=G,this.Events.trigger("error",g)}}_run(u,h,p){var _,g,b;return h.doRun(),_=this._clearGlobalState.bind(this,u),b=this._run.bind(this,u,h),g=this._free.bind(this,u,h),this._scheduled[u]={timeout:setTimeout(()=>h.doExecute(this._limiter,_,b,g),p),expiration:h.options.expiration!=null?setTimeout(function(){return h.doExpire(_,b,g)},p+h.options.expiration):void 0,job:h}}_drainOne(u){return this._registerLock.schedule(()=>{var h,p,_,g,b;return this.queued()===0?this.Promise.resolve(null):(b=this._queues.getFirst(),{options:g,args:h}=_=b.first(),u!=null&&g.weight>u?this.Promise.resolve(null):(this.Events.trigger("debug",`Draining ${g.id}`,{args:h,options:g}),p=this._randomIndex(),this._store.__register__(p,g.weight,g.expiration).then(({success:G,wait:C,reservoir:q})=>{var ee;return this.Events.trigger("debug",`Drained ${g.id}`,{success:G,args:h,options:g}),G?(b.shift(),ee=this.empty(),ee&&this.Events.trigger("empty"),q===0&&this.Events.trigger("depleted",ee),this._run(p,_,C),this.Promise.resolve(g.weight)):this.Promise.resolve(null)})))})}_drainAll(u,h=0){return this._drainOne(u).then(p=>{var _;return p!=null?(_=u!=null?u-p:u,this._drainAll(_,h+p)):this.Promise.resolve(h)}).catch(p=>this.Events.trigger("error",p))}_dropAllQueued(u){return this._queues.shiftAll(function(h){return h.doDrop({message:u})})}stop(u={}){var h,p;return u=F.load(u,this.stopDefaults),p=_=>{var g;return g=()=>{var b;return b=this._states.counts,b[0]+b[1]+b[2]+b[3]===_},new this.Promise((b,G)=>g()?b():this.on("done",()=>{if(g())return this.removeAllListeners("done"),b()}))},h=u.dropWaitingJobs?(this._run=function(_,g){return g.doDrop({message:u.dropErrorMessage})},this._drainOne=()=>this.Promise.resolve(null),this._registerLock.schedule(()=>this._submitLock.schedule(()=>{var _,g,b;g=this._scheduled;for(_ in g)b=g[_],this.jobStatus(b.job.options.id)==="RUNNING"&&(clearTimeout(b.timeout),clearTimeout(b.expiration),b.job.doDrop({message:u.dropErrorMessage}));return this._dropAllQueued(u.dropErrorMessage),p(0)}))):this.schedule({priority:Ee-1,weight:0},()=>p(1)),this._receive=function(_){return _._reject(new E.prototype.BottleneckError(u.enqueueErrorMessage))},this.stop=()=>this.Promise.reject(new E.prototype.BottleneckError("stop() has already been called")),h}async _addToQueue(u){var h,p,_,g,b,G,C;({args:h,options:g}=u);try{({reachedHWM:b,blocked:p,strategy:C}=await this._store.__submit__(this.queued(),g.weight))}catch(q){return _=q,this.Events.trigger("debug",`Could not queue ${g.id}`,{args:h,options:g,error:_}),u.doDrop({error:_}),!1}return p?(u.doDrop(),!0):b&&(G=C===E.prototype.strategy.LEAK?this._queues.shiftLastFrom(g.priority):C===E.prototype.strategy.OVERFLOW_PRIORITY?this._queues.shiftLastFrom(g.priority+1):C===E.prototype.strategy.OVERFLOW?u:void 0,G?.doDrop(),G==null||C===E.prototype.strategy.OVERFLOW)?(G==null&&u.doDrop(),b):(u.doQueue(b,p),this._queues.push(u),await this._drainAll(),b)}_receive(u){return this._states.jobStatus(u.options.id)!=null?(u._reject(new E.prototype.BottleneckError(`A job with the same id already exists (id=${u.options.id})`)),!1):(u.doReceive(),this._submitLock.schedule(this._addToQueue,u))}submit(...u){var h,p,_,g,b,G,C;return typeof u[0]=="function"?(b=u,[p,...u]=b,[h]=gt.call(u,-1),g=F.load({},this.jobDefaults)):(G=u,[g,p,...u]=G,[h]=gt.call(u,-1),g=F.load(g,this.jobDefaults)),C=(...q)=>new this.Promise(function(ee,Ds){return p(...q,function(...vt){return(vt[0]!=null?Ds:ee)(vt)})}),_=new we(C,u,g,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),_.promise.then(function(q){return typeof h=="function"?h(...q):void 0}).catch(function(q){return Array.isArray(q)?typeof h=="function"?h(...q):void 0:typeof h=="function"?h(q):void 0}),this._receive(_)}schedule(...u){var h,p,_;return typeof u[0]=="function"?([_,...u]=u,p={}):[p,_,...u]=u,h=new we(_,u,p,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),this._receive(h),h.promise}wrap(u){var h,p;return h=this.schedule.bind(this),p=function(..._){return h(u.bind(this),..._)},p.withOptions=function(_,...g){return h(_,u,...g)},p}async updateSettings(u={}){return await this._store.__updateSettings__(F.overwrite(u,this.storeDefaults)),F.overwrite(u,this.instanceDefaults,this),this}currentReservoir(){return this._store.__currentReservoir__()}incrementReservoir(u=0){return this._store.__incrementReservoir__(u)}}return E.default=E,E.Events=be,E.version=E.prototype.version=$s.version,E.strategy=E.prototype.strategy={LEAK:1,OVERFLOW:2,OVERFLOW_PRIORITY:4,BLOCK:3},E.BottleneckError=E.prototype.BottleneckError=v,E.Group=E.prototype.Group=js,E.RedisConnection=E.prototype.RedisConnection=tt,E.IORedisConnection=E.prototype.IORedisConnection=rt,E.Batcher=E.prototype.Batcher=Ps,E.prototype.jobDefaults={priority:dt,weight:1,expiration:null,id:"<no-id>"},E.prototype.storeDefaults={maxConcurrent:null,minTime:0,highWater:null,strategy:E.prototype.strategy.LEAK,penalty:null,reservoir:null,reservoirRefreshInterval:null,reservoirRefreshAmount:null,reservoirIncreaseInterval:null,reservoirIncreaseAmount:null,reservoirIncreaseMaximum:null},E.prototype.localStoreDefaults={Promise,timeout:null,heartbeatInterval:250},E.prototype.redisStoreDefaults={Promise,timeout:null,heartbeatInterval:5e3,clientTimeout:1e4,Redis:null,clientOptions:{},clusterNodes:null,clearDatastore:!1,connection:null},E.prototype.instanceDefaults={datastore:"local",connection:null,id:"<no-id>",rejectOnDrop:!0,trackDoneStatus:!1,Promise},E.prototype.stopDefaults={enqueueErrorMessage:"This limiter has been stopped and cannot accept new jobs.",dropWaitingJobs:!0,dropErrorMessage:"This limiter has been stopped."},E}).call(r);var yt=ht,Ls=yt;return Ls}))});var W=A(De=>{"use strict";De.load=function(r,t,e={}){var s,n,i;for(s in t)i=t[s],e[s]=(n=r[s])!=null?n:i;return e};De.overwrite=function(r,t,e={}){var s,n;for(s in r)n=r[s],t[s]!==void 0&&(e[s]=n);return e}});var Me=A((Hi,lr)=>{"use strict";var cr;cr=class{constructor(t,e){this.incr=t,this.decr=e,this._first=null,this._last=null,this.length=0}push(t){var e;this.length++,typeof this.incr=="function"&&this.incr(),e={value:t,prev:this._last,next:null},this._last!=null?(this._last.next=e,this._last=e):this._first=this._last=e}shift(){var t;if(this._first!=null)return this.length--,typeof this.decr=="function"&&this.decr(),t=this._first.value,(this._first=this._first.next)!=null?this._first.prev=null:this._last=null,t}first(){if(this._first!=null)return this._first.value}getArray(){var t,e,s;for(t=this._first,s=[];t!=null;)s.push((e=t,t=t.next,e.value));return s}forEachShift(t){var e;for(e=this.shift();e!=null;)t(e),e=this.shift()}debug(){var t,e,s,n,i;for(t=this._first,i=[];t!=null;)i.push((e=t,t=t.next,{value:e.value,prev:(s=e.prev)!=null?s.value:void 0,next:(n=e.next)!=null?n.value:void 0}));return i}};lr.exports=cr});var J=A((Ki,_r)=>{"use strict";function hr(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function dr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){hr(i,s,n,o,a,"next",c)}function a(c){hr(i,s,n,o,a,"throw",c)}o(void 0)})}}var pr;pr=class{constructor(t){if(this.instance=t,this._events={},this.instance.on!=null||this.instance.once!=null||this.instance.removeAllListeners!=null)throw new Error("An Emitter already exists for this object");this.instance.on=(e,s)=>this._addListener(e,"many",s),this.instance.once=(e,s)=>this._addListener(e,"once",s),this.instance.removeAllListeners=(e=null)=>e!=null?delete this._events[e]:this._events={}}_addListener(t,e,s){var n;return(n=this._events)[t]==null&&(n[t]=[]),this._events[t].push({cb:s,status:e}),this.instance}listenerCount(t){return this._events[t]!=null?this._events[t].length:0}trigger(t,...e){var s=this;return dr(function*(){var n,i;try{return t!=="debug"&&s.trigger("debug",`Event triggered: ${t}`,e),s._events[t]==null?void 0:(s._events[t]=s._events[t].filter(function(o){return o.status!=="none"}),i=s._events[t].map((function(){var o=dr(function*(a){var c,d;if(a.status!=="none"){a.status==="once"&&(a.status="none");try{return d=typeof a.cb=="function"?a.cb(...e):void 0,typeof d?.then=="function"?yield d:d}catch(f){return c=f,s.trigger("error",c),null}}});return function(a){return o.apply(this,arguments)}})()),(yield Promise.all(i)).find(function(o){return o!=null}))}catch(o){return n=o,s.trigger("error",n),null}})()}};_r.exports=pr});var vr=A((Yi,yr)=>{"use strict";var fr,mr,gr;fr=Me();mr=J();gr=class{constructor(t){var e;this.Events=new mr(this),this._length=0,this._lists=function(){var s,n,i;for(i=[],e=s=1,n=t;1<=n?s<=n:s>=n;e=1<=n?++s:--s)i.push(new fr(()=>this.incr(),()=>this.decr()));return i}.call(this)}incr(){if(this._length++===0)return this.Events.trigger("leftzero")}decr(){if(--this._length===0)return this.Events.trigger("zero")}push(t){return this._lists[t.options.priority].push(t)}queued(t){return t!=null?this._lists[t].length:this._length}shiftAll(t){return this._lists.forEach(function(e){return e.forEachShift(t)})}getFirst(t=this._lists){var e,s,n;for(e=0,s=t.length;e<s;e++)if(n=t[e],n.length>0)return n;return[]}shiftLastFrom(t){return this.getFirst(this._lists.slice(t).reverse()).shift()}};yr.exports=gr});var Y=A((Zi,wr)=>{"use strict";var br;br=class extends Error{};wr.exports=br});var xr=A((to,Or)=>{"use strict";function Er(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function Tr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){Er(i,s,n,o,a,"next",c)}function a(c){Er(i,s,n,o,a,"throw",c)}o(void 0)})}}var ce,kr,Gr,Fe,Rr;Fe=10;kr=5;Rr=W();ce=Y();Gr=class{constructor(t,e,s,n,i,o,a,c){this.task=t,this.args=e,this.rejectOnDrop=i,this.Events=o,this._states=a,this.Promise=c,this.options=Rr.load(s,n),this.options.priority=this._sanitizePriority(this.options.priority),this.options.id===n.id&&(this.options.id=`${this.options.id}-${this._randomIndex()}`),this.promise=new this.Promise((d,f)=>{this._resolve=d,this._reject=f}),this.retryCount=0}_sanitizePriority(t){var e;return e=~~t!==t?kr:t,e<0?0:e>Fe-1?Fe-1:e}_randomIndex(){return Math.random().toString(36).slice(2)}doDrop({error:t,message:e="This job has been dropped by Bottleneck"}={}){return this._states.remove(this.options.id)?(this.rejectOnDrop&&this._reject(t??new ce(e)),this.Events.trigger("dropped",{args:this.args,options:this.options,task:this.task,promise:this.promise}),!0):!1}_assertStatus(t){var e;if(e=this._states.jobStatus(this.options.id),!(e===t||t==="DONE"&&e===null))throw new ce(`Invalid job status ${e}, expected ${t}. Please open an issue at https://github.com/SGrondin/bottleneck/issues`)}doReceive(){return this._states.start(this.options.id),this.Events.trigger("received",{args:this.args,options:this.options})}doQueue(t,e){return this._assertStatus("RECEIVED"),this._states.next(this.options.id),this.Events.trigger("queued",{args:this.args,options:this.options,reachedHWM:t,blocked:e})}doRun(){return this.retryCount===0?(this._assertStatus("QUEUED"),this._states.next(this.options.id)):this._assertStatus("EXECUTING"),this.Events.trigger("scheduled",{args:this.args,options:this.options})}doExecute(t,e,s,n){var i=this;return Tr(function*(){var o,a,c;i.retryCount===0?(i._assertStatus("RUNNING"),i._states.next(i.options.id)):i._assertStatus("EXECUTING"),a={args:i.args,options:i.options,retryCount:i.retryCount},i.Events.trigger("executing",a);try{if(c=yield t!=null?t.schedule(i.options,i.task,...i.args):i.task(...i.args),e())return i.doDone(a),yield n(i.options,a),i._assertStatus("DONE"),i._resolve(c)}catch(d){return o=d,i._onFailure(o,a,e,s,n)}})()}doExpire(t,e,s){var n,i;return this._states.jobStatus(this.options.id==="RUNNING")&&this._states.next(this.options.id),this._assertStatus("EXECUTING"),i={args:this.args,options:this.options,retryCount:this.retryCount},n=new ce(`This job timed out after ${this.options.expiration} ms.`),this._onFailure(n,i,t,e,s)}_onFailure(t,e,s,n,i){var o=this;return Tr(function*(){var a,c;if(s())return a=yield o.Events.trigger("failed",t,e),a!=null?(c=~~a,o.Events.trigger("retry",`Retrying ${o.options.id} after ${c} ms`,e),o.retryCount++,n(c)):(o.doDone(e),yield i(o.options,e),o._assertStatus("DONE"),o._reject(t))})()}doDone(t){return this._assertStatus("EXECUTING"),this._states.next(this.options.id),this.Events.trigger("done",t)}};Or.exports=Gr});var qr=A((so,Cr)=>{"use strict";function Sr(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function N(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){Sr(i,s,n,o,a,"next",c)}function a(c){Sr(i,s,n,o,a,"throw",c)}o(void 0)})}}var Ar,Ir,Ue;Ue=W();Ar=Y();Ir=class{constructor(t,e,s){this.instance=t,this.storeOptions=e,this.clientId=this.instance._randomIndex(),Ue.load(s,s,this),this._nextRequest=this._lastReservoirRefresh=this._lastReservoirIncrease=Date.now(),this._running=0,this._done=0,this._unblockTime=0,this.ready=this.Promise.resolve(),this.clients={},this._startHeartbeat()}_startHeartbeat(){var t;return this.heartbeat==null&&(this.storeOptions.reservoirRefreshInterval!=null&&this.storeOptions.reservoirRefreshAmount!=null||this.storeOptions.reservoirIncreaseInterval!=null&&this.storeOptions.reservoirIncreaseAmount!=null)?typeof(t=this.heartbeat=setInterval(()=>{var e,s,n,i,o;if(i=Date.now(),this.storeOptions.reservoirRefreshInterval!=null&&i>=this._lastReservoirRefresh+this.storeOptions.reservoirRefreshInterval&&(this._lastReservoirRefresh=i,this.storeOptions.reservoir=this.storeOptions.reservoirRefreshAmount,this.instance._drainAll(this.computeCapacity())),this.storeOptions.reservoirIncreaseInterval!=null&&i>=this._lastReservoirIncrease+this.storeOptions.reservoirIncreaseInterval){var a=this.storeOptions;if(e=a.reservoirIncreaseAmount,n=a.reservoirIncreaseMaximum,o=a.reservoir,this._lastReservoirIncrease=i,s=n!=null?Math.min(e,n-o):e,s>0)return this.storeOptions.reservoir+=s,this.instance._drainAll(this.computeCapacity())}},this.heartbeatInterval)).unref=="function"?t.unref():void 0:clearInterval(this.heartbeat)}__publish__(t){var e=this;return N(function*(){return yield e.yieldLoop(),e.instance.Events.trigger("message",t.toString())})()}__disconnect__(t){var e=this;return N(function*(){return yield e.yieldLoop(),clearInterval(e.heartbeat),e.Promise.resolve()})()}yieldLoop(t=0){return new this.Promise(function(e,s){return setTimeout(e,t)})}computePenalty(){var t;return(t=this.storeOptions.penalty)!=null?t:15*this.storeOptions.minTime||5e3}__updateSettings__(t){var e=this;return N(function*(){return yield e.yieldLoop(),Ue.overwrite(t,t,e.storeOptions),e._startHeartbeat(),e.instance._drainAll(e.computeCapacity()),!0})()}__running__(){var t=this;return N(function*(){return yield t.yieldLoop(),t._running})()}__queued__(){var t=this;return N(function*(){return yield t.yieldLoop(),t.instance.queued()})()}__done__(){var t=this;return N(function*(){return yield t.yieldLoop(),t._done})()}__groupCheck__(t){var e=this;return N(function*(){return yield e.yieldLoop(),e._nextRequest+e.timeout<t})()}computeCapacity(){var t,e,s=this.storeOptions;return t=s.maxConcurrent,e=s.reservoir,t!=null&&e!=null?Math.min(t-this._running,e):t!=null?t-this._running:e??null}conditionsCheck(t){var e;return e=this.computeCapacity(),e==null||t<=e}__incrementReservoir__(t){var e=this;return N(function*(){var s;return yield e.yieldLoop(),s=e.storeOptions.reservoir+=t,e.instance._drainAll(e.computeCapacity()),s})()}__currentReservoir__(){var t=this;return N(function*(){return yield t.yieldLoop(),t.storeOptions.reservoir})()}isBlocked(t){return this._unblockTime>=t}check(t,e){return this.conditionsCheck(t)&&this._nextRequest-e<=0}__check__(t){var e=this;return N(function*(){var s;return yield e.yieldLoop(),s=Date.now(),e.check(t,s)})()}__register__(t,e,s){var n=this;return N(function*(){var i,o;return yield n.yieldLoop(),i=Date.now(),n.conditionsCheck(e)?(n._running+=e,n.storeOptions.reservoir!=null&&(n.storeOptions.reservoir-=e),o=Math.max(n._nextRequest-i,0),n._nextRequest=i+o+n.storeOptions.minTime,{success:!0,wait:o,reservoir:n.storeOptions.reservoir}):{success:!1}})()}strategyIsBlock(){return this.storeOptions.strategy===3}__submit__(t,e){var s=this;return N(function*(){var n,i,o;if(yield s.yieldLoop(),s.storeOptions.maxConcurrent!=null&&e>s.storeOptions.maxConcurrent)throw new Ar(`Impossible to add a job having a weight of ${e} to a limiter having a maxConcurrent setting of ${s.storeOptions.maxConcurrent}`);return i=Date.now(),o=s.storeOptions.highWater!=null&&t===s.storeOptions.highWater&&!s.check(e,i),n=s.strategyIsBlock()&&(o||s.isBlocked(i)),n&&(s._unblockTime=i+s.computePenalty(),s._nextRequest=s._unblockTime+s.storeOptions.minTime,s.instance._dropAllQueued()),{reachedHWM:o,blocked:n,strategy:s.storeOptions.strategy}})()}__free__(t,e){var s=this;return N(function*(){return yield s.yieldLoop(),s._running-=e,s._done+=e,s.instance._drainAll(s.computeCapacity()),{running:s._running}})()}};Cr.exports=Ir});var jr=A((no,Dn)=>{Dn.exports={"blacklist_client.lua":`local blacklist = ARGV[num_static_argv + 1]

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
`}});var de=A(I=>{"use strict";var le,S,he;S=jr();le={refs:S["refs.lua"],validate_keys:S["validate_keys.lua"],validate_client:S["validate_client.lua"],refresh_expiration:S["refresh_expiration.lua"],process_tick:S["process_tick.lua"],conditions_check:S["conditions_check.lua"],get_time:S["get_time.lua"]};I.allKeys=function(r){return[`b_${r}_settings`,`b_${r}_job_weights`,`b_${r}_job_expirations`,`b_${r}_job_clients`,`b_${r}_client_running`,`b_${r}_client_num_queued`,`b_${r}_client_last_registered`,`b_${r}_client_last_seen`]};he={init:{keys:I.allKeys,headers:["process_tick"],refresh_expiration:!0,code:S["init.lua"]},group_check:{keys:I.allKeys,headers:[],refresh_expiration:!1,code:S["group_check.lua"]},register_client:{keys:I.allKeys,headers:["validate_keys"],refresh_expiration:!1,code:S["register_client.lua"]},blacklist_client:{keys:I.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:S["blacklist_client.lua"]},heartbeat:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["heartbeat.lua"]},update_settings:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["update_settings.lua"]},running:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["running.lua"]},queued:{keys:I.allKeys,headers:["validate_keys","validate_client"],refresh_expiration:!1,code:S["queued.lua"]},done:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["done.lua"]},check:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!1,code:S["check.lua"]},submit:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:S["submit.lua"]},register:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick","conditions_check"],refresh_expiration:!0,code:S["register.lua"]},free:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["free.lua"]},current_reservoir:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!1,code:S["current_reservoir.lua"]},increment_reservoir:{keys:I.allKeys,headers:["validate_keys","validate_client","process_tick"],refresh_expiration:!0,code:S["increment_reservoir.lua"]}};I.names=Object.keys(he);I.keys=function(r,t){return he[r].keys(t)};I.payload=function(r){var t;return t=he[r],Array.prototype.concat(le.refs,t.headers.map(function(e){return le[e]}),t.refresh_expiration?le.refresh_expiration:"",t.code).join(`
`)}});var pe=A((exports,module)=>{"use strict";function asyncGeneratorStep(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function _asyncToGenerator(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){asyncGeneratorStep(i,s,n,o,a,"next",c)}function a(c){asyncGeneratorStep(i,s,n,o,a,"throw",c)}o(void 0)})}}var Events,RedisConnection,Scripts,parser;parser=W();Events=J();Scripts=de();RedisConnection=function(){class RedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("redis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.client==null&&(this.client=this.Redis.createClient(this.clientOptions)),this.subscriber=this.client.duplicate(),this.limiters={},this.shas={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>this._loadScripts()).then(()=>({client:this.client,subscriber:this.subscriber}))}_setup(r,t){return r.setMaxListeners(0),new this.Promise((e,s)=>(r.on("error",n=>this.Events.trigger("error",n)),t&&r.on("message",(n,i)=>{var o;return(o=this.limiters[n])!=null?o._store.onMessage(n,i):void 0}),r.ready?e():r.once("ready",e)))}_loadScript(r){return new this.Promise((t,e)=>{var s;return s=Scripts.payload(r),this.client.multi([["script","load",s]]).exec((n,i)=>n!=null?e(n):(this.shas[r]=i[0],t(i[0])))})}_loadScripts(){return this.Promise.all(Scripts.names.map(r=>this._loadScript(r)))}__runCommand__(r){var t=this;return _asyncToGenerator(function*(){return yield t.ready,new t.Promise((e,s)=>t.client.multi([r]).exec_atomic(function(n,i){return n!=null?s(n):e(i[0])}))})()}__addLimiter__(r){return this.Promise.all([r.channel(),r.channel_client()].map(t=>new this.Promise((e,s)=>{var n;return n=i=>{if(i===t)return this.subscriber.removeListener("subscribe",n),this.limiters[t]=r,e()},this.subscriber.on("subscribe",n),this.subscriber.subscribe(t)})))}__removeLimiter__(r){var t=this;return this.Promise.all([r.channel(),r.channel_client()].map((function(){var e=_asyncToGenerator(function*(s){return t.terminated||(yield new t.Promise((n,i)=>t.subscriber.unsubscribe(s,function(o,a){if(o!=null)return i(o);if(a===s)return n()}))),delete t.limiters[s]});return function(s){return e.apply(this,arguments)}})()))}__scriptArgs__(r,t,e,s){var n;return n=Scripts.keys(r,t),[this.shas[r],n.length].concat(n,e,s)}__scriptFn__(r){return this.client.evalsha.bind(this.client)}disconnect(r=!0){var t,e,s,n;for(n=Object.keys(this.limiters),t=0,s=n.length;t<s;t++)e=n[t],clearInterval(this.limiters[e]._store.heartbeat);return this.limiters={},this.terminated=!0,this.client.end(r),this.subscriber.end(r),this.Promise.resolve()}}return RedisConnection.prototype.datastore="redis",RedisConnection.prototype.defaults={Redis:null,clientOptions:{},client:null,Promise,Events:null},RedisConnection}.call(void 0);module.exports=RedisConnection});var _e=A((exports,module)=>{"use strict";function _slicedToArray(r,t){return _arrayWithHoles(r)||_iterableToArrayLimit(r,t)||_nonIterableRest()}function _nonIterableRest(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function _iterableToArrayLimit(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(c){n=!0,i=c}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function _arrayWithHoles(r){if(Array.isArray(r))return r}function asyncGeneratorStep(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function _asyncToGenerator(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){asyncGeneratorStep(i,s,n,o,a,"next",c)}function a(c){asyncGeneratorStep(i,s,n,o,a,"throw",c)}o(void 0)})}}var Events,IORedisConnection,Scripts,parser;parser=W();Events=J();Scripts=de();IORedisConnection=function(){class IORedisConnection{constructor(options={}){parser.load(options,this.defaults,this),this.Redis==null&&(this.Redis=eval("require")("ioredis")),this.Events==null&&(this.Events=new Events(this)),this.terminated=!1,this.clusterNodes!=null?(this.client=new this.Redis.Cluster(this.clusterNodes,this.clientOptions),this.subscriber=new this.Redis.Cluster(this.clusterNodes,this.clientOptions)):this.client!=null&&this.client.duplicate==null?this.subscriber=new this.Redis.Cluster(this.client.startupNodes,this.client.options):(this.client==null&&(this.client=new this.Redis(this.clientOptions)),this.subscriber=this.client.duplicate()),this.limiters={},this.ready=this.Promise.all([this._setup(this.client,!1),this._setup(this.subscriber,!0)]).then(()=>(this._loadScripts(),{client:this.client,subscriber:this.subscriber}))}_setup(r,t){return r.setMaxListeners(0),new this.Promise((e,s)=>(r.on("error",n=>this.Events.trigger("error",n)),t&&r.on("message",(n,i)=>{var o;return(o=this.limiters[n])!=null?o._store.onMessage(n,i):void 0}),r.status==="ready"?e():r.once("ready",e)))}_loadScripts(){return Scripts.names.forEach(r=>this.client.defineCommand(r,{lua:Scripts.payload(r)}))}__runCommand__(r){var t=this;return _asyncToGenerator(function*(){var e,s;yield t.ready;var n=yield t.client.pipeline([r]).exec(),i=_slicedToArray(n,1),o=_slicedToArray(i[0],2);return e=o[0],s=o[1],s})()}__addLimiter__(r){return this.Promise.all([r.channel(),r.channel_client()].map(t=>new this.Promise((e,s)=>this.subscriber.subscribe(t,()=>(this.limiters[t]=r,e())))))}__removeLimiter__(r){var t=this;return[r.channel(),r.channel_client()].forEach((function(){var e=_asyncToGenerator(function*(s){return t.terminated||(yield t.subscriber.unsubscribe(s)),delete t.limiters[s]});return function(s){return e.apply(this,arguments)}})())}__scriptArgs__(r,t,e,s){var n;return n=Scripts.keys(r,t),[n.length].concat(n,e,s)}__scriptFn__(r){return this.client[r].bind(this.client)}disconnect(r=!0){var t,e,s,n;for(n=Object.keys(this.limiters),t=0,s=n.length;t<s;t++)e=n[t],clearInterval(this.limiters[e]._store.heartbeat);return this.limiters={},this.terminated=!0,r?this.Promise.all([this.client.quit(),this.subscriber.quit()]):(this.client.disconnect(),this.subscriber.disconnect(),this.Promise.resolve())}}return IORedisConnection.prototype.datastore="ioredis",IORedisConnection.prototype.defaults={Redis:null,clientOptions:{},clusterNodes:null,client:null,Promise,Events:null},IORedisConnection}.call(void 0);module.exports=IORedisConnection});var Fr=A((ao,Mr)=>{"use strict";function fe(r,t){return Un(r)||Fn(r,t)||Mn()}function Mn(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function Fn(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(c){n=!0,i=c}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function Un(r){if(Array.isArray(r))return r}function Pr(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function U(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){Pr(i,s,n,o,a,"next",c)}function a(c){Pr(i,s,n,o,a,"throw",c)}o(void 0)})}}var Nr,$r,Lr,Dr,Be;Be=W();Nr=Y();Lr=pe();$r=_e();Dr=class{constructor(t,e,s){this.instance=t,this.storeOptions=e,this.originalId=this.instance.id,this.clientId=this.instance._randomIndex(),Be.load(s,s,this),this.clients={},this.capacityPriorityCounters={},this.sharedConnection=this.connection!=null,this.connection==null&&(this.connection=this.instance.datastore==="redis"?new Lr({Redis:this.Redis,clientOptions:this.clientOptions,Promise:this.Promise,Events:this.instance.Events}):this.instance.datastore==="ioredis"?new $r({Redis:this.Redis,clientOptions:this.clientOptions,clusterNodes:this.clusterNodes,Promise:this.Promise,Events:this.instance.Events}):void 0),this.instance.connection=this.connection,this.instance.datastore=this.connection.datastore,this.ready=this.connection.ready.then(n=>(this.clients=n,this.runScript("init",this.prepareInitSettings(this.clearDatastore)))).then(()=>this.connection.__addLimiter__(this.instance)).then(()=>this.runScript("register_client",[this.instance.queued()])).then(()=>{var n;return typeof(n=this.heartbeat=setInterval(()=>this.runScript("heartbeat",[]).catch(i=>this.instance.Events.trigger("error",i)),this.heartbeatInterval)).unref=="function"&&n.unref(),this.clients})}__publish__(t){var e=this;return U(function*(){var s,n=yield e.ready;return s=n.client,s.publish(e.instance.channel(),`message:${t.toString()}`)})()}onMessage(t,e){var s=this;return U(function*(){var n,i,o,a,c,d,f,m,y,w;try{f=e.indexOf(":");var v=[e.slice(0,f),e.slice(f+1)];if(w=v[0],o=v[1],w==="capacity")return yield s.instance._drainAll(o.length>0?~~o:void 0);if(w==="capacity-priority"){var O=o.split(":"),T=fe(O,3);return y=T[0],m=T[1],i=T[2],n=y.length>0?~~y:void 0,m===s.clientId?(a=yield s.instance._drainAll(n),d=n!=null?n-(a||0):"",yield s.clients.client.publish(s.instance.channel(),`capacity-priority:${d}::${i}`)):m===""?(clearTimeout(s.capacityPriorityCounters[i]),delete s.capacityPriorityCounters[i],s.instance._drainAll(n)):s.capacityPriorityCounters[i]=setTimeout(U(function*(){var k;try{return delete s.capacityPriorityCounters[i],yield s.runScript("blacklist_client",[m]),yield s.instance._drainAll(n)}catch(R){return k=R,s.instance.Events.trigger("error",k)}}),1e3)}else{if(w==="message")return s.instance.Events.trigger("message",o);if(w==="blocked")return yield s.instance._dropAllQueued()}}catch(k){return c=k,s.instance.Events.trigger("error",c)}})()}__disconnect__(t){return clearInterval(this.heartbeat),this.sharedConnection?this.connection.__removeLimiter__(this.instance):this.connection.disconnect(t)}runScript(t,e){var s=this;return U(function*(){return t==="init"||t==="register_client"||(yield s.ready),new s.Promise((n,i)=>{var o,a;return o=[Date.now(),s.clientId].concat(e),s.instance.Events.trigger("debug",`Calling Redis script: ${t}.lua`,o),a=s.connection.__scriptArgs__(t,s.originalId,o,function(c,d){return c!=null?i(c):n(d)}),s.connection.__scriptFn__(t)(...a)}).catch(n=>n.message==="SETTINGS_KEY_NOT_FOUND"?t==="heartbeat"?s.Promise.resolve():s.runScript("init",s.prepareInitSettings(!1)).then(()=>s.runScript(t,e)):n.message==="UNKNOWN_CLIENT"?s.runScript("register_client",[s.instance.queued()]).then(()=>s.runScript(t,e)):s.Promise.reject(n))})()}prepareArray(t){var e,s,n,i;for(n=[],e=0,s=t.length;e<s;e++)i=t[e],n.push(i!=null?i.toString():"");return n}prepareObject(t){var e,s,n;e=[];for(s in t)n=t[s],e.push(s,n!=null?n.toString():"");return e}prepareInitSettings(t){var e;return e=this.prepareObject(Object.assign({},this.storeOptions,{id:this.originalId,version:this.instance.version,groupTimeout:this.timeout,clientTimeout:this.clientTimeout})),e.unshift(t?1:0,this.instance.version),e}convertBool(t){return!!t}__updateSettings__(t){var e=this;return U(function*(){return yield e.runScript("update_settings",e.prepareObject(t)),Be.overwrite(t,t,e.storeOptions)})()}__running__(){return this.runScript("running",[])}__queued__(){return this.runScript("queued",[])}__done__(){return this.runScript("done",[])}__groupCheck__(){var t=this;return U(function*(){return t.convertBool(yield t.runScript("group_check",[]))})()}__incrementReservoir__(t){return this.runScript("increment_reservoir",[t])}__currentReservoir__(){return this.runScript("current_reservoir",[])}__check__(t){var e=this;return U(function*(){return e.convertBool(yield e.runScript("check",e.prepareArray([t])))})()}__register__(t,e,s){var n=this;return U(function*(){var i,o,a,c=yield n.runScript("register",n.prepareArray([t,e,s])),d=fe(c,3);return o=d[0],a=d[1],i=d[2],{success:n.convertBool(o),wait:a,reservoir:i}})()}__submit__(t,e){var s=this;return U(function*(){var n,i,o,a,c,d;try{var f=yield s.runScript("submit",s.prepareArray([t,e])),m=fe(f,3);return c=m[0],n=m[1],d=m[2],{reachedHWM:s.convertBool(c),blocked:s.convertBool(n),strategy:d}}catch(v){if(i=v,i.message.indexOf("OVERWEIGHT")===0){var y=i.message.split(":"),w=fe(y,3);throw a=w[0],e=w[1],o=w[2],new Nr(`Impossible to add a job having a weight of ${e} to a limiter having a maxConcurrent setting of ${o}`)}else throw i}})()}__free__(t,e){var s=this;return U(function*(){var n;return n=yield s.runScript("free",s.prepareArray([t])),{running:n}})()}};Mr.exports=Dr});var Vr=A((co,Wr)=>{"use strict";var Ur,Br;Ur=Y();Br=class{constructor(t){this.status=t,this._jobs={},this.counts=this.status.map(function(){return 0})}next(t){var e,s;if(e=this._jobs[t],s=e+1,e!=null&&s<this.status.length)return this.counts[e]--,this.counts[s]++,this._jobs[t]++;if(e!=null)return this.counts[e]--,delete this._jobs[t]}start(t){var e;return e=0,this._jobs[t]=e,this.counts[e]++}remove(t){var e;return e=this._jobs[t],e!=null&&(this.counts[e]--,delete this._jobs[t]),e!=null}jobStatus(t){var e;return(e=this.status[this._jobs[t]])!=null?e:null}statusJobs(t){var e,s,n,i,o;if(t!=null){if(s=this.status.indexOf(t),s<0)throw new Ur(`status must be one of ${this.status.join(", ")}`);n=this._jobs,i=[];for(e in n)o=n[e],o===s&&i.push(e);return i}else return Object.keys(this._jobs)}statusCounts(){return this.counts.reduce((t,e,s)=>(t[this.status[s]]=e,t),{})}};Wr.exports=Br});var Yr=A((ho,Qr)=>{"use strict";function zr(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function Hr(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){zr(i,s,n,o,a,"next",c)}function a(c){zr(i,s,n,o,a,"throw",c)}o(void 0)})}}var Jr,Kr;Jr=Me();Kr=class{constructor(t,e){this.schedule=this.schedule.bind(this),this.name=t,this.Promise=e,this._running=0,this._queue=new Jr}isEmpty(){return this._queue.length===0}_tryToRun(){var t=this;return Hr(function*(){var e,s,n,i,o,a,c;if(t._running<1&&t._queue.length>0){t._running++;var d=t._queue.shift();return c=d.task,e=d.args,o=d.resolve,i=d.reject,s=yield Hr(function*(){try{return a=yield c(...e),function(){return o(a)}}catch(f){return n=f,function(){return i(n)}}})(),t._running--,t._tryToRun(),s()}})()}schedule(t,...e){var s,n,i;return i=n=null,s=new this.Promise(function(o,a){return i=o,n=a}),this._queue.push({task:t,args:e,resolve:i,reject:n}),this._tryToRun(),s}};Qr.exports=Kr});var Xr=A((po,Bn)=>{Bn.exports={version:"2.19.5"}});var os=A((_o,is)=>{"use strict";function Wn(r,t){return Hn(r)||zn(r,t)||Vn()}function Vn(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function zn(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(c){n=!0,i=c}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function Hn(r){if(Array.isArray(r))return r}function Zr(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function We(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){Zr(i,s,n,o,a,"next",c)}function a(c){Zr(i,s,n,o,a,"throw",c)}o(void 0)})}}var es,ts,rs,ss,ns,me;me=W();es=J();ss=pe();rs=_e();ns=de();ts=function(){class r{constructor(e={}){this.deleteKey=this.deleteKey.bind(this),this.limiterOptions=e,me.load(this.limiterOptions,this.defaults,this),this.Events=new es(this),this.instances={},this.Bottleneck=Ve(),this._startAutoCleanup(),this.sharedConnection=this.connection!=null,this.connection==null&&(this.limiterOptions.datastore==="redis"?this.connection=new ss(Object.assign({},this.limiterOptions,{Events:this.Events})):this.limiterOptions.datastore==="ioredis"&&(this.connection=new rs(Object.assign({},this.limiterOptions,{Events:this.Events}))))}key(e=""){var s;return(s=this.instances[e])!=null?s:(()=>{var n;return n=this.instances[e]=new this.Bottleneck(Object.assign(this.limiterOptions,{id:`${this.id}-${e}`,timeout:this.timeout,connection:this.connection})),this.Events.trigger("created",n,e),n})()}deleteKey(e=""){var s=this;return We(function*(){var n,i;return i=s.instances[e],s.connection&&(n=yield s.connection.__runCommand__(["del",...ns.allKeys(`${s.id}-${e}`)])),i!=null&&(delete s.instances[e],yield i.disconnect()),i!=null||n>0})()}limiters(){var e,s,n,i;s=this.instances,n=[];for(e in s)i=s[e],n.push({key:e,limiter:i});return n}keys(){return Object.keys(this.instances)}clusterKeys(){var e=this;return We(function*(){var s,n,i,o,a,c,d,f,m;if(e.connection==null)return e.Promise.resolve(e.keys());for(c=[],s=null,m=`b_${e.id}-`.length,n=9;s!==0;){var y=yield e.connection.__runCommand__(["scan",s??0,"match",`b_${e.id}-*_settings`,"count",1e4]),w=Wn(y,2);for(f=w[0],i=w[1],s=~~f,o=0,d=i.length;o<d;o++)a=i[o],c.push(a.slice(m,-n))}return c})()}_startAutoCleanup(){var e=this,s;return clearInterval(this.interval),typeof(s=this.interval=setInterval(We(function*(){var n,i,o,a,c,d;c=Date.now(),o=e.instances,a=[];for(i in o){d=o[i];try{(yield d._store.__groupCheck__(c))?a.push(e.deleteKey(i)):a.push(void 0)}catch(f){n=f,a.push(d.Events.trigger("error",n))}}return a}),this.timeout/2)).unref=="function"?s.unref():void 0}updateSettings(e={}){if(me.overwrite(e,this.defaults,this),me.overwrite(e,e,this.limiterOptions),e.timeout!=null)return this._startAutoCleanup()}disconnect(e=!0){var s;if(!this.sharedConnection)return(s=this.connection)!=null?s.disconnect(e):void 0}}return r.prototype.defaults={timeout:1e3*60*5,connection:null,Promise,id:"group-key"},r}.call(void 0);is.exports=ts});var hs=A((fo,ls)=>{"use strict";var as,us,cs;cs=W();us=J();as=function(){class r{constructor(e={}){this.options=e,cs.load(this.options,this.defaults,this),this.Events=new us(this),this._arr=[],this._resetPromise(),this._lastFlush=Date.now()}_resetPromise(){return this._promise=new this.Promise((e,s)=>this._resolve=e)}_flush(){return clearTimeout(this._timeout),this._lastFlush=Date.now(),this._resolve(),this.Events.trigger("batch",this._arr),this._arr=[],this._resetPromise()}add(e){var s;return this._arr.push(e),s=this._promise,this._arr.length===this.maxSize?this._flush():this.maxTime!=null&&this._arr.length===1&&(this._timeout=setTimeout(()=>this._flush(),this.maxTime)),s}}return r.prototype.defaults={maxTime:null,maxSize:null,Promise},r}.call(void 0);ls.exports=as});var Ve=A((mo,Ts)=>{"use strict";function ds(r,t){return ms(r)||Jn(r,t)||fs()}function Jn(r,t){var e=[],s=!0,n=!1,i=void 0;try{for(var o=r[Symbol.iterator](),a;!(s=(a=o.next()).done)&&(e.push(a.value),!(t&&e.length===t));s=!0);}catch(c){n=!0,i=c}finally{try{!s&&o.return!=null&&o.return()}finally{if(n)throw i}}return e}function ge(r){return ms(r)||Kn(r)||fs()}function fs(){throw new TypeError("Invalid attempt to destructure non-iterable instance")}function Kn(r){if(Symbol.iterator in Object(r)||Object.prototype.toString.call(r)==="[object Arguments]")return Array.from(r)}function ms(r){if(Array.isArray(r))return r}function ps(r,t,e,s,n,i,o){try{var a=r[i](o),c=a.value}catch(d){e(d);return}a.done?t(c):Promise.resolve(c).then(s,n)}function ze(r){return function(){var t=this,e=arguments;return new Promise(function(s,n){var i=r.apply(t,e);function o(c){ps(i,s,n,o,a,"next",c)}function a(c){ps(i,s,n,o,a,"throw",c)}o(void 0)})}}var gs,ys,He,Je,vs,Ke,bs,ws,Es,Qe,B,_s=[].splice;Ke=10;ys=5;B=W();bs=vr();Je=xr();vs=qr();ws=Fr();He=J();Es=Vr();Qe=Yr();gs=function(){class r{constructor(e={},...s){var n,i;this._addToQueue=this._addToQueue.bind(this),this._validateOptions(e,s),B.load(e,this.instanceDefaults,this),this._queues=new bs(Ke),this._scheduled={},this._states=new Es(["RECEIVED","QUEUED","RUNNING","EXECUTING"].concat(this.trackDoneStatus?["DONE"]:[])),this._limiter=null,this.Events=new He(this),this._submitLock=new Qe("submit",this.Promise),this._registerLock=new Qe("register",this.Promise),i=B.load(e,this.storeDefaults,{}),this._store=function(){if(this.datastore==="redis"||this.datastore==="ioredis"||this.connection!=null)return n=B.load(e,this.redisStoreDefaults,{}),new ws(this,i,n);if(this.datastore==="local")return n=B.load(e,this.localStoreDefaults,{}),new vs(this,i,n);throw new r.prototype.BottleneckError(`Invalid datastore type: ${this.datastore}`)}.call(this),this._queues.on("leftzero",()=>{var o;return(o=this._store.heartbeat)!=null&&typeof o.ref=="function"?o.ref():void 0}),this._queues.on("zero",()=>{var o;return(o=this._store.heartbeat)!=null&&typeof o.unref=="function"?o.unref():void 0})}_validateOptions(e,s){if(!(e!=null&&typeof e=="object"&&s.length===0))throw new r.prototype.BottleneckError("Bottleneck v2 takes a single object argument. Refer to https://github.com/SGrondin/bottleneck#upgrading-to-v2 if you're upgrading from Bottleneck v1.")}ready(){return this._store.ready}clients(){return this._store.clients}channel(){return`b_${this.id}`}channel_client(){return`b_${this.id}_${this._store.clientId}`}publish(e){return this._store.__publish__(e)}disconnect(e=!0){return this._store.__disconnect__(e)}chain(e){return this._limiter=e,this}queued(e){return this._queues.queued(e)}clusterQueued(){return this._store.__queued__()}empty(){return this.queued()===0&&this._submitLock.isEmpty()}running(){return this._store.__running__()}done(){return this._store.__done__()}jobStatus(e){return this._states.jobStatus(e)}jobs(e){return this._states.statusJobs(e)}counts(){return this._states.statusCounts()}_randomIndex(){return Math.random().toString(36).slice(2)}check(e=1){return this._store.__check__(e)}_clearGlobalState(e){return this._scheduled[e]!=null?(clearTimeout(this._scheduled[e].expiration),delete this._scheduled[e],!0):!1}_free(e,s,n,i){var o=this;return ze(function*(){var a,c;try{var d=yield o._store.__free__(e,n.weight);if(c=d.running,o.Events.trigger("debug",`Freed ${n.id}`,i),c===0&&o.empty())return o.Events.trigger("idle")}catch(f){return a=f,o.Events.trigger("error",a)}})()}_run(e,s,n){var i,o,a;return s.doRun(),i=this._clearGlobalState.bind(this,e),a=this._run.bind(this,e,s),o=this._free.bind(this,e,s),this._scheduled[e]={timeout:setTimeout(()=>s.doExecute(this._limiter,i,a,o),n),expiration:s.options.expiration!=null?setTimeout(function(){return s.doExpire(i,a,o)},n+s.options.expiration):void 0,job:s}}_drainOne(e){return this._registerLock.schedule(()=>{var s,n,i,o,a;if(this.queued()===0)return this.Promise.resolve(null);a=this._queues.getFirst();var c=i=a.first();return o=c.options,s=c.args,e!=null&&o.weight>e?this.Promise.resolve(null):(this.Events.trigger("debug",`Draining ${o.id}`,{args:s,options:o}),n=this._randomIndex(),this._store.__register__(n,o.weight,o.expiration).then(({success:d,wait:f,reservoir:m})=>{var y;return this.Events.trigger("debug",`Drained ${o.id}`,{success:d,args:s,options:o}),d?(a.shift(),y=this.empty(),y&&this.Events.trigger("empty"),m===0&&this.Events.trigger("depleted",y),this._run(n,i,f),this.Promise.resolve(o.weight)):this.Promise.resolve(null)}))})}_drainAll(e,s=0){return this._drainOne(e).then(n=>{var i;return n!=null?(i=e!=null?e-n:e,this._drainAll(i,s+n)):this.Promise.resolve(s)}).catch(n=>this.Events.trigger("error",n))}_dropAllQueued(e){return this._queues.shiftAll(function(s){return s.doDrop({message:e})})}stop(e={}){var s,n;return e=B.load(e,this.stopDefaults),n=i=>{var o;return o=()=>{var a;return a=this._states.counts,a[0]+a[1]+a[2]+a[3]===i},new this.Promise((a,c)=>o()?a():this.on("done",()=>{if(o())return this.removeAllListeners("done"),a()}))},s=e.dropWaitingJobs?(this._run=function(i,o){return o.doDrop({message:e.dropErrorMessage})},this._drainOne=()=>this.Promise.resolve(null),this._registerLock.schedule(()=>this._submitLock.schedule(()=>{var i,o,a;o=this._scheduled;for(i in o)a=o[i],this.jobStatus(a.job.options.id)==="RUNNING"&&(clearTimeout(a.timeout),clearTimeout(a.expiration),a.job.doDrop({message:e.dropErrorMessage}));return this._dropAllQueued(e.dropErrorMessage),n(0)}))):this.schedule({priority:Ke-1,weight:0},()=>n(1)),this._receive=function(i){return i._reject(new r.prototype.BottleneckError(e.enqueueErrorMessage))},this.stop=()=>this.Promise.reject(new r.prototype.BottleneckError("stop() has already been called")),s}_addToQueue(e){var s=this;return ze(function*(){var n,i,o,a,c,d,f;n=e.args,a=e.options;try{var m=yield s._store.__submit__(s.queued(),a.weight);c=m.reachedHWM,i=m.blocked,f=m.strategy}catch(y){return o=y,s.Events.trigger("debug",`Could not queue ${a.id}`,{args:n,options:a,error:o}),e.doDrop({error:o}),!1}return i?(e.doDrop(),!0):c&&(d=f===r.prototype.strategy.LEAK?s._queues.shiftLastFrom(a.priority):f===r.prototype.strategy.OVERFLOW_PRIORITY?s._queues.shiftLastFrom(a.priority+1):f===r.prototype.strategy.OVERFLOW?e:void 0,d?.doDrop(),d==null||f===r.prototype.strategy.OVERFLOW)?(d==null&&e.doDrop(),c):(e.doQueue(c,i),s._queues.push(e),yield s._drainAll(),c)})()}_receive(e){return this._states.jobStatus(e.options.id)!=null?(e._reject(new r.prototype.BottleneckError(`A job with the same id already exists (id=${e.options.id})`)),!1):(e.doReceive(),this._submitLock.schedule(this._addToQueue,e))}submit(...e){var s,n,i,o,a,c,d;if(typeof e[0]=="function"){var f,m,y,w;a=e,f=a,m=ge(f),n=m[0],e=m.slice(1),y=_s.call(e,-1),w=ds(y,1),s=w[0],o=B.load({},this.jobDefaults)}else{var v,O,T,k;c=e,v=c,O=ge(v),o=O[0],n=O[1],e=O.slice(2),T=_s.call(e,-1),k=ds(T,1),s=k[0],o=B.load(o,this.jobDefaults)}return d=(...R)=>new this.Promise(function(P,x){return n(...R,function(...$){return($[0]!=null?x:P)($)})}),i=new Je(d,e,o,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),i.promise.then(function(R){return typeof s=="function"?s(...R):void 0}).catch(function(R){return Array.isArray(R)?typeof s=="function"?s(...R):void 0:typeof s=="function"?s(R):void 0}),this._receive(i)}schedule(...e){var s,n,i;if(typeof e[0]=="function"){var o=e,a=ge(o);i=a[0],e=a.slice(1),n={}}else{var c=e,d=ge(c);n=d[0],i=d[1],e=d.slice(2)}return s=new Je(i,e,n,this.jobDefaults,this.rejectOnDrop,this.Events,this._states,this.Promise),this._receive(s),s.promise}wrap(e){var s,n;return s=this.schedule.bind(this),n=function(...o){return s(e.bind(this),...o)},n.withOptions=function(i,...o){return s(i,e,...o)},n}updateSettings(e={}){var s=this;return ze(function*(){return yield s._store.__updateSettings__(B.overwrite(e,s.storeDefaults)),B.overwrite(e,s.instanceDefaults,s),s})()}currentReservoir(){return this._store.__currentReservoir__()}incrementReservoir(e=0){return this._store.__incrementReservoir__(e)}}return r.default=r,r.Events=He,r.version=r.prototype.version=Xr().version,r.strategy=r.prototype.strategy={LEAK:1,OVERFLOW:2,OVERFLOW_PRIORITY:4,BLOCK:3},r.BottleneckError=r.prototype.BottleneckError=Y(),r.Group=r.prototype.Group=os(),r.RedisConnection=r.prototype.RedisConnection=pe(),r.IORedisConnection=r.prototype.IORedisConnection=_e(),r.Batcher=r.prototype.Batcher=hs(),r.prototype.jobDefaults={priority:ys,weight:1,expiration:null,id:"<no-id>"},r.prototype.storeDefaults={maxConcurrent:null,minTime:0,highWater:null,strategy:r.prototype.strategy.LEAK,penalty:null,reservoir:null,reservoirRefreshInterval:null,reservoirRefreshAmount:null,reservoirIncreaseInterval:null,reservoirIncreaseAmount:null,reservoirIncreaseMaximum:null},r.prototype.localStoreDefaults={Promise,timeout:null,heartbeatInterval:250},r.prototype.redisStoreDefaults={Promise,timeout:null,heartbeatInterval:5e3,clientTimeout:1e4,Redis:null,clientOptions:{},clusterNodes:null,clearDatastore:!1,connection:null},r.prototype.instanceDefaults={datastore:"local",connection:null,id:"<no-id>",rejectOnDrop:!0,trackDoneStatus:!1,Promise},r.prototype.stopDefaults={enqueueErrorMessage:"This limiter has been stopped and cannot accept new jobs.",dropWaitingJobs:!0,dropErrorMessage:"This limiter has been stopped."},r}.call(void 0);Ts.exports=gs});var Gs=A((go,ks)=>{"use strict";ks.exports=Ve()});function V(){return typeof navigator=="object"&&"userAgent"in navigator?navigator.userAgent:typeof process=="object"&&process.version!==void 0?`Node.js/${process.version.substr(1)} (${process.platform}; ${process.arch})`:"<environment undetectable>"}function ne(r,t,e,s){if(typeof e!="function")throw new Error("method for before hook must be a function");return s||(s={}),Array.isArray(t)?t.reverse().reduce((n,i)=>ne.bind(null,r,i,n,s),e)():Promise.resolve().then(()=>r.registry[t]?r.registry[t].reduce((n,i)=>i.hook.bind(null,n,s),e)():e(s))}function Gt(r,t,e,s){let n=s;r.registry[e]||(r.registry[e]=[]),t==="before"&&(s=(i,o)=>Promise.resolve().then(n.bind(null,o)).then(i.bind(null,o))),t==="after"&&(s=(i,o)=>{let a;return Promise.resolve().then(i.bind(null,o)).then(c=>(a=c,n(a,o))).then(()=>a)}),t==="error"&&(s=(i,o)=>Promise.resolve().then(i.bind(null,o)).catch(a=>n(a,o))),r.registry[e].push({hook:s,orig:n})}function Rt(r,t,e){if(!r.registry[t])return;let s=r.registry[t].map(n=>n.orig).indexOf(e);s!==-1&&r.registry[t].splice(s,1)}var Ot=Function.bind,xt=Ot.bind(Ot);function St(r,t,e){let s=xt(Rt,null).apply(null,e?[t,e]:[t]);r.api={remove:s},r.remove=s,["before","error","after","wrap"].forEach(n=>{let i=e?[t,n,e]:[t,n];r[n]=r.api[n]=xt(Gt,null).apply(null,i)})}function Ms(){let r=Symbol("Singular"),t={registry:{}},e=ne.bind(null,t,r);return St(e,t,r),e}function Fs(){let r={registry:{}},t=ne.bind(null,r);return St(t,r),t}var At={Singular:Ms,Collection:Fs};var Us="0.0.0-development",Bs=`octokit-endpoint.js/${Us} ${V()}`,Ws={method:"GET",baseUrl:"https://api.github.com",headers:{accept:"application/vnd.github.v3+json","user-agent":Bs},mediaType:{format:""}};function Vs(r){return r?Object.keys(r).reduce((t,e)=>(t[e.toLowerCase()]=r[e],t),{}):{}}function zs(r){if(typeof r!="object"||r===null||Object.prototype.toString.call(r)!=="[object Object]")return!1;let t=Object.getPrototypeOf(r);if(t===null)return!0;let e=Object.prototype.hasOwnProperty.call(t,"constructor")&&t.constructor;return typeof e=="function"&&e instanceof e&&Function.prototype.call(e)===Function.prototype.call(r)}function qt(r,t){let e=Object.assign({},r);return Object.keys(t).forEach(s=>{zs(t[s])?s in r?e[s]=qt(r[s],t[s]):Object.assign(e,{[s]:t[s]}):Object.assign(e,{[s]:t[s]})}),e}function It(r){for(let t in r)r[t]===void 0&&delete r[t];return r}function Ge(r,t,e){if(typeof t=="string"){let[n,i]=t.split(" ");e=Object.assign(i?{method:n,url:i}:{url:n},e)}else e=Object.assign({},t);e.headers=Vs(e.headers),It(e),It(e.headers);let s=qt(r||{},e);return e.url==="/graphql"&&(r&&r.mediaType.previews?.length&&(s.mediaType.previews=r.mediaType.previews.filter(n=>!s.mediaType.previews.includes(n)).concat(s.mediaType.previews)),s.mediaType.previews=(s.mediaType.previews||[]).map(n=>n.replace(/-preview/,""))),s}function Hs(r,t){let e=/\?/.test(r)?"&":"?",s=Object.keys(t);return s.length===0?r:r+e+s.map(n=>n==="q"?"q="+t.q.split("+").map(encodeURIComponent).join("+"):`${n}=${encodeURIComponent(t[n])}`).join("&")}var Js=/\{[^{}}]+\}/g;function Ks(r){return r.replace(/(?:^\W+)|(?:(?<!\W)\W+$)/g,"").split(/,/)}function Qs(r){let t=r.match(Js);return t?t.map(Ks).reduce((e,s)=>e.concat(s),[]):[]}function Ct(r,t){let e={__proto__:null};for(let s of Object.keys(r))t.indexOf(s)===-1&&(e[s]=r[s]);return e}function jt(r){return r.split(/(%[0-9A-Fa-f]{2})/g).map(function(t){return/%[0-9A-Fa-f]/.test(t)||(t=encodeURI(t).replace(/%5B/g,"[").replace(/%5D/g,"]")),t}).join("")}function Q(r){return encodeURIComponent(r).replace(/[!'()*]/g,function(t){return"%"+t.charCodeAt(0).toString(16).toUpperCase()})}function te(r,t,e){return t=r==="+"||r==="#"?jt(t):Q(t),e?Q(e)+"="+t:t}function K(r){return r!=null}function ke(r){return r===";"||r==="&"||r==="?"}function Ys(r,t,e,s){var n=r[e],i=[];if(K(n)&&n!=="")if(typeof n=="string"||typeof n=="number"||typeof n=="bigint"||typeof n=="boolean")n=n.toString(),s&&s!=="*"&&(n=n.substring(0,parseInt(s,10))),i.push(te(t,n,ke(t)?e:""));else if(s==="*")Array.isArray(n)?n.filter(K).forEach(function(o){i.push(te(t,o,ke(t)?e:""))}):Object.keys(n).forEach(function(o){K(n[o])&&i.push(te(t,n[o],o))});else{let o=[];Array.isArray(n)?n.filter(K).forEach(function(a){o.push(te(t,a))}):Object.keys(n).forEach(function(a){K(n[a])&&(o.push(Q(a)),o.push(te(t,n[a].toString())))}),ke(t)?i.push(Q(e)+"="+o.join(",")):o.length!==0&&i.push(o.join(","))}else t===";"?K(n)&&i.push(Q(e)):n===""&&(t==="&"||t==="?")?i.push(Q(e)+"="):n===""&&i.push("");return i}function Xs(r){return{expand:Zs.bind(null,r)}}function Zs(r,t){var e=["+","#",".","/",";","?","&"];return r=r.replace(/\{([^\{\}]+)\}|([^\{\}]+)/g,function(s,n,i){if(n){let a="",c=[];if(e.indexOf(n.charAt(0))!==-1&&(a=n.charAt(0),n=n.substr(1)),n.split(/,/g).forEach(function(d){var f=/([^:\*]*)(?::(\d+)|(\*))?/.exec(d);c.push(Ys(t,a,f[1],f[2]||f[3]))}),a&&a!=="+"){var o=",";return a==="?"?o="&":a!=="#"&&(o=a),(c.length!==0?a:"")+c.join(o)}else return c.join(",")}else return jt(i)}),r==="/"?r:r.replace(/\/$/,"")}function Pt(r){let t=r.method.toUpperCase(),e=(r.url||"/").replace(/:([a-z]\w+)/g,"{$1}"),s=Object.assign({},r.headers),n,i=Ct(r,["method","baseUrl","url","headers","request","mediaType"]),o=Qs(e);e=Xs(e).expand(i),/^http/.test(e)||(e=r.baseUrl+e);let a=Object.keys(r).filter(f=>o.includes(f)).concat("baseUrl"),c=Ct(i,a);if(!/application\/octet-stream/i.test(s.accept)&&(r.mediaType.format&&(s.accept=s.accept.split(/,/).map(f=>f.replace(/application\/vnd(\.\w+)(\.v3)?(\.\w+)?(\+json)?$/,`application/vnd$1$2.${r.mediaType.format}`)).join(",")),e.endsWith("/graphql")&&r.mediaType.previews?.length)){let f=s.accept.match(/(?<![\w-])[\w-]+(?=-preview)/g)||[];s.accept=f.concat(r.mediaType.previews).map(m=>{let y=r.mediaType.format?`.${r.mediaType.format}`:"+json";return`application/vnd.github.${m}-preview${y}`}).join(",")}return["GET","HEAD"].includes(t)?e=Hs(e,c):"data"in c?n=c.data:Object.keys(c).length&&(n=c),!s["content-type"]&&typeof n<"u"&&(s["content-type"]="application/json; charset=utf-8"),["PATCH","PUT"].includes(t)&&typeof n>"u"&&(n=""),Object.assign({method:t,url:e,headers:s},typeof n<"u"?{body:n}:null,r.request?{request:r.request}:null)}function en(r,t,e){return Pt(Ge(r,t,e))}function Nt(r,t){let e=Ge(r,t),s=en.bind(null,e);return Object.assign(s,{DEFAULTS:e,defaults:Nt.bind(null,e),merge:Ge.bind(null,e),parse:Pt})}var $t=Nt(null,Ws);var j=new Uint8Array(256);j[9]|=2;j[32]|=2;j[59]|=4;j[44]|=8;for(let r=128;r<=255;r++)j[r]|=1;for(let r of"!#$%&'*+-.^_`|~")j[r.charCodeAt(0)]|=16;for(let r=48;r<=57;r++)j[r]|=16;for(let r=65;r<=90;r++)j[r]|=17;for(let r=97;r<=122;r++)j[r]|=16;var Lt=(()=>{let r=function(){};return r.prototype=Object.create(null),r})();function Dt(r,t){let e=4|(t?.comma===!0?8:0),s=r.length,n=t?.start??0;for(;(j[r.charCodeAt(n)]&2)!==0;)n++;let i=n,o=0,a=-1,c=t?.parameters===!1?8:0;for(;i<s;){let y=r.charCodeAt(i),w=j[y];if((w&e)!==0){c|=w&8;break}(w&2)!==0?a===-1&&(a=i):a=-1,o|=y&65280|w,i++}let d=a===-1?i:a,f=r.slice(n,d),m=(o&65281)===0?f:f.toLowerCase();return i===s||c!==0?{type:m,index:i,parameters:new Lt}:tn(r,m,i,s,e)}function tn(r,t,e,s,n){let i=new Lt;e:for(;e<s;){for(e++;(j[r.charCodeAt(e)]&2)!==0;)e++;let o=e,a=0,c=-1;for(;e<s;){let d=r.charCodeAt(e),f=j[d];if((f&n)!==0){if((f&8)!==0)break e;continue e}if(d===61){let m=c===-1?e:c,y=r.slice(o,m),w=(a&65281)===0?y:y.toLowerCase();for(e++;(j[r.charCodeAt(e)]&2)!==0;)e++;if(e<s&&r.charCodeAt(e)===34){let k=++e,R=!1;for(;e<s;){let P=r.charCodeAt(e);if(P===34){i[w]===void 0&&(i[w]=R?rn(r,k,e):r.slice(k,e)),e++;let x=0;for(;e<s;){let $=r.charCodeAt(e),L=j[$];if((L&n)!==0){x=L&8;break}e++}if(x!==0)break e;continue e}if(P===92&&e+1<s){R=!0,e+=2;continue}e++}continue e}let v=e,O=0,T=-1;for(;e<s;){let k=r.charCodeAt(e),R=j[k];if((R&n)!==0){O=R&8;break}(R&2)!==0?T===-1&&(T=e):T=-1,e++}if(i[w]===void 0){let k=T===-1?e:T;i[w]=r.slice(v,k)}if(O!==0)break e;continue e}(f&2)!==0?c===-1&&(c=e):c=-1,a|=d&65280|f,e++}}return{type:t,index:e,parameters:i}}function rn(r,t,e){let s="";for(let n=t;n<e;n++)r.charCodeAt(n)===92&&(s+=r.slice(t,n),t=++n);return s+r.slice(t,e)}var sn=/^-?\d+$/,oe=/^-?\d+n+$/,z=JSON.stringify,Re=JSON.parse,Wt=/^-?\d+n$/,Mt=/([\[:])?"(-?\d+)n"($|\s*[,\}\]])/g,Ft=/([\[:])?("-?\d+n+)n("$|"\s*[,\}\]])/g,Oe=r=>r===void 0||typeof r=="function"||typeof r=="symbol",xe=r=>r!==null&&typeof r=="object"&&r.constructor&&r.constructor.name==="RawJSON",nn=(r,t,e)=>{let s="";typeof e=="number"?s=" ".repeat(Math.min(10,Math.max(0,Math.floor(e)))):typeof e=="string"&&(s=e.slice(0,10));let n=typeof t=="function",i=Array.isArray(t)?new Set(t.map(String)):null,o=(v,O,T)=>(T!==null&&typeof T=="object"&&typeof T.toJSON=="function"&&(T=T.toJSON(O)),typeof T=="string"&&oe.test(T)?T+"n":typeof T=="bigint"?"rawJSON"in JSON?JSON.rawJSON(T.toString()):T.toString()+"n":(n&&(T=t.call(v,O,T)),T!==null&&typeof T=="object"&&(T instanceof Number||T instanceof String||T instanceof Boolean)&&(T=T.valueOf()),T)),a=o({"":r},"",r);if(Oe(a))return;let c=a===null||typeof a!="object",d=xe(a);if(c||d)return z(a);let f=[],m=0,y=[{parent:{"":a},key:"",val:a,isArray:Array.isArray(a),keys:Array.isArray(a)?null:Object.keys(a),index:0,first:!0}],w=new WeakSet([a]);for(;y.length>0;){let v=y[y.length-1];v.index===0&&(f.push(v.isArray?"[":"{"),m++);let O=!1;if(v.isArray)if(v.index<v.val.length){v.first||f.push(","),s&&f.push(`
`+s.repeat(m));let T=v.val[v.index],k=o(v.val,String(v.index),T);if(Oe(k))f.push("null"),v.first=!1,v.index++;else{let R=k!==null&&typeof k=="object",P=xe(k);if(R&&!P){if(w.has(k))throw new TypeError("Converting circular structure to JSON");w.add(k),y.push({parent:v.val,key:String(v.index),val:k,isArray:Array.isArray(k),keys:Array.isArray(k)?null:Object.keys(k),index:0,first:!0}),v.first=!1,v.index++}else f.push(z(k)),v.first=!1,v.index++}}else O=!0;else{for(;v.index<v.keys.length;){let k=v.keys[v.index++];if(i&&!i.has(k))continue;let P=v.val[k],x=o(v.val,k,P);if(Oe(x))continue;v.first||f.push(","),s?f.push(`
`+s.repeat(m)+z(k)+": "):f.push(z(k)+":");let $=x!==null&&typeof x=="object",L=xe(x);if($&&!L){if(w.has(x))throw new TypeError("Converting circular structure to JSON");w.add(x),y.push({parent:v.val,key:k,val:x,isArray:Array.isArray(x),keys:Array.isArray(x)?null:Object.keys(x),index:0,first:!0}),v.first=!1;break}else f.push(z(x)),v.first=!1}v.index>=v.keys.length&&y[y.length-1]===v&&(O=!0)}O&&(m--,!v.first&&s&&f.push(`
`+s.repeat(m)),f.push(v.isArray?"]":"}"),w.delete(v.val),y.pop())}return f.join("")},Vt=(r,t,e)=>{try{return"rawJSON"in JSON?z(r,(a,c)=>typeof c=="bigint"?JSON.rawJSON(c.toString()):typeof t=="function"?t(a,c):(Array.isArray(t)&&t.includes(a),c),e):r?z(r,(a,c)=>typeof c=="string"&&oe.test(c)||typeof c=="bigint"?c.toString()+"n":typeof t=="function"?t(a,c):(Array.isArray(t)&&t.includes(a),c),e).replace(Mt,"$1$2$3").replace(Ft,"$1$2$3"):z(r,t,e)}catch(s){if(s instanceof RangeError){let n=nn(r,t,e);return n===void 0?void 0:"rawJSON"in JSON?n:n.replace(Mt,"$1$2$3").replace(Ft,"$1$2$3")}throw s}},ie=new Map,on=()=>{let r=JSON.parse.toString();if(ie.has(r))return ie.get(r);try{let t=JSON.parse("1",(e,s,n)=>!!n?.source&&n.source==="1");return ie.set(r,t),t}catch{return ie.set(r,!1),!1}},an=(r,t,e,s)=>typeof t=="string"&&Wt.test(t)?BigInt(t.slice(0,-1)):typeof t=="string"&&oe.test(t)?t.slice(0,-1):typeof s=="function"?s(r,t,e):t,un=(r,t)=>JSON.parse(r,(e,s,n)=>{let i=typeof s=="number",o=s>Number.MAX_SAFE_INTEGER||s<Number.MIN_SAFE_INTEGER,a=i&&o,c=n&&sn.test(n.source);return a&&c?BigInt(n.source):typeof t=="function"?t(e,s,n):s}),zt=Number.MAX_SAFE_INTEGER.toString(),Ut=zt.length,cn=/"(?:[^"\\]|\\.)*"|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/g,ln=/^"-?\d+n+"$/,hn=(r,t)=>{let e={"":r},s=[{parent:e,key:"",visited:!1}];for(;s.length>0;){let n=s[s.length-1];if(n.visited){let{parent:i,key:o}=n,a=i[o];typeof a=="string"&&(Wt.test(a)?a=BigInt(a.slice(0,-1)):oe.test(a)&&(a=a.slice(0,-1))),typeof t=="function"&&(a=t.call(i,o,a)),a===void 0?delete i[o]:i[o]=a,s.pop()}else{n.visited=!0;let i=n.parent[n.key];if(i!==null&&typeof i=="object"){let a=Object.keys(i);for(let c=a.length-1;c>=0;c--)s.push({parent:i,key:a[c],visited:!1})}}}return e[""]},Bt=r=>r.replace(cn,(t,e,s,n)=>{let i=t[0]==='"';if(i&&ln.test(t))return t.substring(0,t.length-1)+'n"';let a=s||n,c=e&&(e.length<Ut||e.length===Ut&&e<=zt);return i||a||c?t:'"'+t+'n"'}),Ht=(r,t)=>{if(!r)return Re(r,t);try{if(on())return un(r,t);let e=Bt(r);return Re(e,(s,n,i)=>an(s,n,i,t))}catch(e){if(e instanceof RangeError){let s=Bt(r),n=Re(s);return hn(n,t)}throw e}};var H=class extends Error{name;status;request;response;constructor(t,e,s){super(t,{cause:s.cause}),this.name="HttpError",this.status=Number.parseInt(e),Number.isNaN(this.status)&&(this.status=0);"response"in s&&(this.response=s.response);let n=Object.assign({},s.request);s.request.headers.authorization&&(n.headers=Object.assign({},s.request.headers,{authorization:s.request.headers.authorization.replace(/(?<! ) .*$/," [REDACTED]")})),n.url=n.url.replace(/\bclient_secret=\w+/g,"client_secret=[REDACTED]").replace(/\baccess_token=\w+/g,"access_token=[REDACTED]"),this.request=n}};var dn="10.0.16",pn={headers:{"user-agent":`octokit-request.js/${dn} ${V()}`}};function _n(r){if(typeof r!="object"||r===null||Object.prototype.toString.call(r)!=="[object Object]")return!1;let t=Object.getPrototypeOf(r);if(t===null)return!0;let e=Object.prototype.hasOwnProperty.call(t,"constructor")&&t.constructor;return typeof e=="function"&&e instanceof e&&Function.prototype.call(e)===Function.prototype.call(r)}var Jt=()=>"";async function Kt(r){let t=r.request?.fetch||globalThis.fetch;if(!t)throw new Error("fetch is not set. Please pass a fetch implementation as new Octokit({ request: { fetch }}). Learn more at https://github.com/octokit/octokit.js/#fetch-missing");let e=r.request?.log||console,s=r.request?.parseSuccessResponseBody!==!1,n=_n(r.body)||Array.isArray(r.body)?Vt(r.body):r.body,i=Object.fromEntries(Object.entries(r.headers).map(([m,y])=>[m,String(y)])),o;try{o=await t(r.url,{method:r.method,body:n,redirect:r.request?.redirect,headers:i,signal:r.request?.signal,...r.body&&{duplex:"half"}})}catch(m){let y="Unknown Error";if(m instanceof Error){if(m.name==="AbortError")throw m.status=500,m;y=m.message,m.name==="TypeError"&&"cause"in m&&(m.cause instanceof Error?y=m.cause.message:typeof m.cause=="string"&&(y=m.cause))}let w=new H(y,500,{request:r});throw w.cause=m,w}let a=o.status,c=o.url,d={};for(let[m,y]of o.headers)d[m]=y;let f={url:c,status:a,headers:d,data:""};if("deprecation"in d){let m=d.link&&d.link.match(/<([^<>]+)>; rel="deprecation"/),y=m&&m.pop();e.warn(`[@octokit/request] "${r.method} ${r.url}" is deprecated. It is scheduled to be removed on ${d.sunset}${y?`. See ${y}`:""}`)}if(a===204||a===205)return f;if(r.method==="HEAD"){if(a<400)return f;throw new H(o.statusText,a,{response:f,request:r})}if(a===304)throw f.data=await Se(o),new H("Not modified",a,{response:f,request:r});if(a>=400)throw f.data=await Se(o),new H(mn(f.data),a,{response:f,request:r});return f.data=s?await Se(o):o.body,f}async function Se(r){let t=r.headers.get("content-type");if(!t)return r.text().catch(Jt);let e=Dt(t);if(fn(e)){let s="";try{return s=await r.text(),Ht(s)}catch{return s}}else return e.type.startsWith("text/")||e.parameters.charset?.toLowerCase()==="utf-8"&&e.type!=="application/octet-stream"?r.text().catch(Jt):r.arrayBuffer().catch(()=>new ArrayBuffer(0))}function fn(r){return r.type==="application/json"||r.type==="application/scim+json"}function mn(r){if(typeof r=="string")return r;if(r instanceof ArrayBuffer)return"Unknown error";if(typeof r=="object"&&r!==null&&"message"in r){let t=r,e="documentation_url"in t?` - ${t.documentation_url}`:"";return Array.isArray(t.errors)?`${t.message}: ${t.errors.map(s=>JSON.stringify(s)).join(", ")}${e}`:`${t.message}${e}`}return`Unknown error: ${JSON.stringify(r)}`}function Ae(r,t){let e=r.defaults(t);return Object.assign(function(n,i){let o=e.merge(n,i);if(!o.request||!o.request.hook)return Kt(e.parse(o));let a=(c,d)=>Kt(e.parse(e.merge(c,d)));return Object.assign(a,{endpoint:e,defaults:Ae.bind(null,e)}),o.request.hook(a,o)},{endpoint:e,defaults:Ae.bind(null,e)})}var re=Ae($t,pn);var gn="0.0.0-development";function yn(r){return`Request failed due to following response errors:
`+r.errors.map(t=>` - ${t.message}`).join(`
`)}var vn=class extends Error{constructor(r,t,e){super(yn(e)),this.request=r,this.headers=t,this.response=e,this.errors=e.errors,this.data=e.data,Error.captureStackTrace&&Error.captureStackTrace(this,this.constructor)}request;headers;response;name="GraphqlResponseError";errors;data},bn=["method","baseUrl","url","headers","request","query","mediaType","operationName"],wn=["query","method","url"],Qt=/\/api\/v3\/?$/;function En(r,t,e){if(e){if(typeof t=="string"&&"query"in e)return Promise.reject(new Error('[@octokit/graphql] "query" cannot be used as variable name'));for(let o in e)if(wn.includes(o))return Promise.reject(new Error(`[@octokit/graphql] "${o}" cannot be used as variable name`))}let s=typeof t=="string"?Object.assign({query:t},e):t,n=Object.keys(s).reduce((o,a)=>bn.includes(a)?(o[a]=s[a],o):(o.variables||(o.variables={}),o.variables[a]=s[a],o),{}),i=s.baseUrl||r.endpoint.DEFAULTS.baseUrl;return Qt.test(i)&&(n.url=i.replace(Qt,"/api/graphql")),r(n).then(o=>{if(o.data.errors){let a={};for(let c of Object.keys(o.headers))a[c]=o.headers[c];throw new vn(n,a,o.data)}return o.data.data})}function Ie(r,t){let e=r.defaults(t);return Object.assign((n,i)=>En(e,n,i),{defaults:Ie.bind(null,e),endpoint:e.endpoint})}var bi=Ie(re,{headers:{"user-agent":`octokit-graphql.js/${gn} ${V()}`},method:"POST",url:"/graphql"});function Yt(r){return Ie(r,{method:"POST",url:"/graphql"})}var Ce="(?:[a-zA-Z0-9_-]+)",Xt="\\.",Zt=new RegExp(`^${Ce}${Xt}${Ce}${Xt}${Ce}$`),Tn=Zt.test.bind(Zt);async function kn(r){let t=Tn(r),e=r.startsWith("v1.")||r.startsWith("ghs_"),s=r.startsWith("ghu_");return{type:"token",token:r,tokenType:t?"app":e?"installation":s?"user-to-server":"oauth"}}function Gn(r){return r.split(/\./).length===3?`bearer ${r}`:`token ${r}`}async function Rn(r,t,e,s){let n=t.endpoint.merge(e,s);return n.headers.authorization=Gn(r),t(n)}var er=function(t){if(!t)throw new Error("[@octokit/auth-token] No token passed to createTokenAuth");if(typeof t!="string")throw new Error("[@octokit/auth-token] Token passed to createTokenAuth is not a string");return t=t.replace(/^(token|bearer) +/i,""),Object.assign(kn.bind(null,t),{hook:Rn.bind(null,t)})};var qe="7.0.8";var tr=()=>{},On=console.warn.bind(console),xn=console.error.bind(console);function Sn(r={}){return typeof r.debug!="function"&&(r.debug=tr),typeof r.info!="function"&&(r.info=tr),typeof r.warn!="function"&&(r.warn=On),typeof r.error!="function"&&(r.error=xn),r}var rr=`octokit-core.js/${qe} ${V()}`,ae=class{static VERSION=qe;static defaults(t){return class extends this{constructor(...s){let n=s[0]||{};if(typeof t=="function"){super(t(n));return}super(Object.assign({},t,n,n.userAgent&&t.userAgent?{userAgent:`${n.userAgent} ${t.userAgent}`}:null))}}}static plugins=[];static plugin(...t){let e=this.plugins;return class extends this{static plugins=e.concat(t.filter(n=>!e.includes(n)))}}constructor(t={}){let e=new At.Collection,s={baseUrl:re.endpoint.DEFAULTS.baseUrl,headers:{},request:Object.assign({},t.request,{hook:e.bind(null,"request")}),mediaType:{previews:[],format:""}};if(s.headers["user-agent"]=t.userAgent?`${t.userAgent} ${rr}`:rr,t.baseUrl&&(s.baseUrl=t.baseUrl),t.previews&&(s.mediaType.previews=t.previews),t.timeZone&&(s.headers["time-zone"]=t.timeZone),this.request=re.defaults(s),this.graphql=Yt(this.request).defaults(s),this.log=Sn(t.log),this.hook=e,t.authStrategy){let{authStrategy:i,...o}=t,a=i(Object.assign({request:this.request,log:this.log,octokit:this,octokitOptions:o},t.auth));e.wrap("request",a.hook),this.auth=a}else if(!t.auth)this.auth=async()=>({type:"unauthenticated"});else{let i=er(t.auth);e.wrap("request",i.hook),this.auth=i}let n=this.constructor;for(let i=0;i<n.plugins.length;++i)Object.assign(this,n.plugins[i](this,t))}request;graphql;log;hook;auth};var An="0.0.0-development";function In(r){if(!r.data)return{...r,data:[]};if(!(("total_count"in r.data||"total_commits"in r.data)&&!("url"in r.data)))return r;let e=r.data.incomplete_results,s=r.data.repository_selection,n=r.data.total_count,i=r.data.total_commits;delete r.data.incomplete_results,delete r.data.repository_selection,delete r.data.total_count,delete r.data.total_commits;let o=Object.keys(r.data)[0],a=r.data[o];return r.data=a,typeof e<"u"&&(r.data.incomplete_results=e),typeof s<"u"&&(r.data.repository_selection=s),r.data.total_count=n,r.data.total_commits=i,r}function je(r,t,e){let s=typeof t=="function"?t.endpoint(e):r.request.endpoint(t,e),n=typeof t=="function"?t:r.request,i=s.method,o=s.headers,a=s.url;return{[Symbol.asyncIterator]:()=>({async next(){if(!a)return{done:!0};try{let c=await n({method:i,url:a,headers:o}),d=In(c);if(a=((d.headers.link||"").match(/<([^<>]+)>;\s*rel="next"/)||[])[1],!a&&"total_commits"in d.data){let f=new URL(d.url),m=f.searchParams,y=parseInt(m.get("page")||"1",10),w=parseInt(m.get("per_page")||"250",10);y*w<d.data.total_commits&&(m.set("page",String(y+1)),a=f.toString())}return{value:d}}catch(c){if(c.status!==409)throw c;return a="",{value:{status:200,headers:{},data:[]}}}}})}}function sr(r,t,e,s){return typeof e=="function"&&(s=e,e=void 0),nr(r,[],je(r,t,e)[Symbol.asyncIterator](),s)}function nr(r,t,e,s){return e.next().then(n=>{if(n.done)return t;let i=!1;function o(){i=!0}return t=t.concat(s?s(n.value,o):n.value.data),i?t:nr(r,t,e,s)})}var ji=Object.assign(sr,{iterator:je});function Pe(r){return{paginate:Object.assign(sr.bind(null,r),{iterator:je.bind(null,r)})}}Pe.VERSION=An;var ar=bt(ir(),1),Cn="0.0.0-development",Le=()=>Promise.resolve();function qn(r,t,e){return r.retryLimiter.schedule(jn,r,t,e)}async function jn(r,t,e){let{pathname:s}=new URL(e.url,"http://github.test"),n=Pn(e.method,s),i=!n&&e.method!=="GET"&&e.method!=="HEAD",o=e.method==="GET"&&s.startsWith("/search/"),a=s.startsWith("/graphql"),d=~~t.retryCount>0?{priority:0,weight:0}:{};r.clustering&&(d.expiration=1e3*60),(i||a)&&await r.write.key(r.id).schedule(d,Le),i&&r.triggersNotification(s)&&await r.notifications.key(r.id).schedule(d,Le),o&&await r.search.key(r.id).schedule(d,Le);let f=(n?r.auth:r.global).key(r.id).schedule(d,t,e);if(a){let m=await f;if(m.data.errors!=null&&m.data.errors.some(y=>y.type==="RATE_LIMITED"))throw Object.assign(new Error("GraphQL Rate Limit Exceeded"),{response:m,data:m.data})}return f}function Pn(r,t){return r==="PATCH"&&/^\/applications\/[^/]+\/token\/scoped$/.test(t)||r==="POST"&&(/^\/applications\/[^/]+\/token$/.test(t)||/^\/app\/installations\/[^/]+\/access_tokens$/.test(t)||t==="/login/oauth/access_token")}var Nn=["/orgs/{org}/invitations","/orgs/{org}/invitations/{invitation_id}","/orgs/{org}/teams/{team_slug}/discussions","/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments","/repos/{owner}/{repo}/collaborators/{username}","/repos/{owner}/{repo}/commits/{commit_sha}/comments","/repos/{owner}/{repo}/issues","/repos/{owner}/{repo}/issues/{issue_number}/comments","/repos/{owner}/{repo}/issues/{issue_number}/sub_issue","/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority","/repos/{owner}/{repo}/pulls","/repos/{owner}/{repo}/pulls/{pull_number}/comments","/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies","/repos/{owner}/{repo}/pulls/{pull_number}/merge","/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers","/repos/{owner}/{repo}/pulls/{pull_number}/reviews","/repos/{owner}/{repo}/releases","/teams/{team_id}/discussions","/teams/{team_id}/discussions/{discussion_number}/comments"];function $n(r){let e=`^(?:${r.map(s=>s.split("/").map(n=>n.startsWith("{")?"(?:.+?)":n).join("/")).map(s=>`(?:${s})`).join("|")})[^/]*$`;return new RegExp(e,"i")}var or=$n(Nn),ur=or.test.bind(or),D={},Ln=function(r,t){D.global=new r.Group({id:"octokit-global",maxConcurrent:10,...t}),D.auth=new r.Group({id:"octokit-auth",maxConcurrent:1,...t}),D.search=new r.Group({id:"octokit-search",maxConcurrent:1,minTime:2e3,...t}),D.write=new r.Group({id:"octokit-write",maxConcurrent:1,minTime:1e3,...t}),D.notifications=new r.Group({id:"octokit-notifications",maxConcurrent:1,minTime:3e3,...t})};function ue(r,t){let{enabled:e=!0,Bottleneck:s=ar.default,id:n="no-id",timeout:i=1e3*60*2,connection:o}=t.throttle||{};if(!e)return{};let a={timeout:i};typeof o<"u"&&(a.connection=o);let c=Object.assign({clustering:o!=null,triggersNotification:ur,fallbackSecondaryRateRetryAfter:60,retryAfterBaseValue:1e3,id:n},t.throttle);if(typeof c.onSecondaryRateLimit!="function"||typeof c.onRateLimit!="function")throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);let d=!1,f=()=>{if(d)return;d=!0,D.global==null&&Ln(s,a),c.global=c.global??D.global,c.auth=c.auth??D.auth,c.search=c.search??D.search,c.write=c.write??D.write,c.notifications=c.notifications??D.notifications,c.retryLimiter=c.retryLimiter??new s;let m={},y=new s.Events(m);m.on("secondary-limit",c.onSecondaryRateLimit),m.on("rate-limit",c.onRateLimit),m.on("error",w=>r.log.warn("Error in throttling-plugin limit handler",w)),c.retryLimiter.on("failed",async function(w,v){let[O,T,k]=v.args,{pathname:R}=new URL(k.url,"http://github.test");if(!(R.startsWith("/graphql")&&w.status!==401||w.status===403||w.status===429))return;let x=~~T.retryCount;T.retryCount=x,k.request.retryCount=x;let{wantRetry:$,retryAfter:L=0}=await(async function(){if(/\bsecondary rate\b/i.test(w.message)){let M=Number(w.response.headers["retry-after"])||O.fallbackSecondaryRateRetryAfter;return{wantRetry:await y.trigger("secondary-limit",M,k,r,x),retryAfter:M}}if(w.response.headers!=null&&w.response.headers["x-ratelimit-remaining"]==="0"||(w.response.data?.errors??[]).some(M=>M.type==="RATE_LIMITED")){let M=new Date(~~w.response.headers["x-ratelimit-reset"]*1e3).getTime(),Z=Math.max(Math.ceil((M-Date.now())/1e3)+1,0);return{wantRetry:await y.trigger("rate-limit",Z,k,r,x),retryAfter:Z}}return{}})();if($)return T.retryCount++,L*O.retryAfterBaseValue})};return r.hook.wrap("request",(m,y)=>(f(),qn(c,m,y))),{}}ue.VERSION=Cn;ue.triggersNotification=ur;var Rs=bt(Gs(),1);var Qn=ae.plugin(Pe,ue);function Yn(r){let t=r;if(typeof t?.status=="number"&&t.status>0){if(t.status===429&&t.response?.headers?.["x-ratelimit-remaining"]==="0")return!1;let e=t.response?.headers?.["retry-after"];return Tt(t.status,e===void 0?void 0:String(e),`answered ${t.status}`)}return kt(r)}function Os(r){let t=r.maxRateLimitRetries??3,e=r.retries??3,s=r.retryBaseMs??1e3,n=r.maxRetryAfterMs??6e4,i=new Qn({auth:r.token,baseUrl:(r.apiUrl??"https://api.github.com").replace(/\/+$/,""),userAgent:"stagecraft",request:{fetch:Et},log:{debug(){},info(){},warn:o=>r.warn?.(o),error:o=>r.warn?.(o)},throttle:{...r.writeSpacingMs!==void 0?{write:new Rs.default.Group({maxConcurrent:1,minTime:r.writeSpacingMs})}:{},onRateLimit:(o,a,c,d)=>(r.warn?.(`GitHub rate limit on ${a.method} ${a.url}; retrying in ${o}s`),d<t),onSecondaryRateLimit:(o,a,c,d)=>(r.warn?.(`GitHub secondary rate limit on ${a.method} ${a.url}; retrying in ${o}s`),d<t)}});return i.hook.wrap("request",(o,a)=>wt(async()=>o(a),{attempts:e+1,baseMs:s,capMs:n,retryError:Yn,onRetry:({attempt:c,delayMs:d,reason:f})=>r.warn?.(`GitHub ${a.method} ${a.url} ${f}; retry ${c}/${e} in ${d}ms`)})),i}function xs(r){let t=/^([\w.-]+)\/([\w.-]+)$/.exec(r??"");if(!t)throw new Error(`no GitHub repository to talk to (got ${JSON.stringify(r??"")}; expected owner/name)`);return{owner:t[1],repo:t[2]}}function X(r){let t=r?.status;return typeof t=="number"?t:void 0}function ye(r,t){throw X(r)===403&&!/rate limit/i.test(r.message)?Object.assign(new Error(`${r.message} \u2014 the token needs \`${t}\` on this repository (workflow \`permissions:\`; pull requests from forks get a read-only token)`),{status:403}):r}function Xn(r){return r&&r.length>140?`${r.slice(0,139)}\u2026`:r}function Ro(r,t,e){let s=e.repository??r.ctx.repository,{owner:n,repo:i}=xs(s),o=r.tuning.retryBaseMs,a=Os({token:t,apiUrl:r.ctx.apiUrl,warn:d=>r.warning(d),...o!==void 0?{retryBaseMs:o}:{}}),c=(r.ctx.serverUrl??"https://github.com").replace(/\/+$/,"");return{kind:"github",project:`${n}/${i}`,async setStatus(d,f){let m=Xn(f.description);await a.request("POST /repos/{owner}/{repo}/statuses/{sha}",{owner:n,repo:i,sha:d,state:f.state,context:f.context,...m?{description:m}:{},...f.targetUrl?{target_url:f.targetUrl}:{}}).catch(y=>ye(y,"statuses: write"))},async readChecks(d){let f=[];for(let y=1;;y++){let{data:w}=await a.request("GET /repos/{owner}/{repo}/commits/{ref}/status",{owner:n,repo:i,ref:d,per_page:100,page:y});for(let v of w.statuses)f.push({context:v.context,state:v.state,id:v.id,...v.target_url?{url:v.target_url}:{}});if(y*100>=w.total_count||!w.statuses.length)break}let m=[];try{for(let y=1;;y++){let{data:w}=await a.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs",{owner:n,repo:i,ref:d,per_page:100,page:y});for(let v of w.check_runs)m.push({name:v.name,status:v.status,conclusion:v.conclusion,id:Number(v.id),...v.html_url?{url:v.html_url}:{}});if(y*100>=w.total_count||!w.check_runs.length)break}}catch(y){if(X(y)!==403&&X(y)!==404)throw y;r.warning(`cannot read check runs of ${d} (${X(y)}); deciding on commit statuses only`)}return{statuses:f,checkRuns:m}},async pullsForCommit(d){let{data:f}=await a.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",{owner:n,repo:i,commit_sha:d,per_page:100});return f.map(m=>m.number)},comments(d){return{async list(){return(await a.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments",{owner:n,repo:i,issue_number:d,per_page:100})).map(m=>({id:Number(m.id),body:m.body??""}))},async create(f){let{data:m}=await a.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments",{owner:n,repo:i,issue_number:d,body:f}).catch(y=>ye(y,"pull-requests: write"));return{id:Number(m.id),body:m.body??f}},async update(f,m){await a.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",{owner:n,repo:i,comment_id:f,body:m}).catch(y=>ye(y,"pull-requests: write"))},async remove(f){try{return await a.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",{owner:n,repo:i,comment_id:f}),!0}catch(m){if(X(m)===404)return!1;throw m}}}},pullUrl:d=>`${c}/${n}/${i}/pull/${d}`,commitUrl:d=>`${c}/${n}/${i}/commit/${d}`}}export{Ro as githubForge};
