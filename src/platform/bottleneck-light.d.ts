// @octokit/plugin-throttling bundles bottleneck's light build; using the same build keeps one copy
// in each bundle. It is the full build's API without Redis clustering, so the full build's types serve.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
