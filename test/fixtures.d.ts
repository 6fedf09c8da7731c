/// <reference types="vite/client" />
// `?raw` fixture imports and import.meta.glob in tests (both resolved by Vite before the code reaches workerd).
