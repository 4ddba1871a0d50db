'use strict';
// What the Node peer server and the Node load clients share with each other and with the .NET harness: the
// `--name value` command line and the JWT every target accepts (bench/Shared/BenchAuth.cs).

const DEFAULT_JWT_KEY = 'tenantrealtime-bench-signing-key-0123456789abcdef';
const JWT_ISSUER = 'tenantrealtime-bench';
const JWT_AUDIENCE = 'tenantrealtime-bench';

// `--name value` pairs; a `--flag` followed by another option (or nothing) is 'true'.
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const k = argv[i].slice(2);
      out[k] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
    }
  }
  return out;
}

module.exports = { DEFAULT_JWT_KEY, JWT_ISSUER, JWT_AUDIENCE, parseArgs };
