/** Every flag of `watch` (and of `demo`, which watches its own private Redis). */
export { watchFlags as watchOptions } from './command-defs.js';
