// Stands in for the 'server-only' marker package: tests run the server modules directly.
export {};
