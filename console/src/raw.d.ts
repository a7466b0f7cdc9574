// Files imported as text by the build (Vite's `?raw`).
declare module "*?raw" {
  const text: string;
  export default text;
}
