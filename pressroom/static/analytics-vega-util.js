// vega-interpreter (an ES module) imports two helpers from vega-util; the vendored Vega
// build carries vega-util whole, so the import map points "vega-util" here.
const { ascending, isString } = globalThis.vega;
export { ascending, isString };
