// Packaging configuration for electron-builder (`npm run dist`, tools/dist.mjs). electron-builder
// finds this file by its name, so `npx electron-builder` gets the same fuses as `npm run dist`.
// tools/packaging.test.ts checks it with electron-builder's own schema and fuse mapping, writes the
// fuses into a stand-in Electron binary and reads them back.

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'io.mechanica.workstation',
  productName: 'Mechanica',
  // The Electron that bootstrap fetched into node_modules, never a second download: where that
  // binary is missing, tools/dist.mjs refuses before anything is built.
  electronDist: 'node_modules/electron/dist',
  directories: { output: 'dist', buildResources: 'build' },
  // Only the built app and the shipped model; production dependencies are added by electron-builder.
  files: [
    'package.json',
    'out/main/**',
    // Node-only entries: the packaged binary cannot run them (runAsNode is off below).
    '!out/main/{bench,cli,browser-host}.js',
    'out/preload/**',
    'out/renderer/**',
    // The model travels inside app.asar at resources/models, where modelsDir() looks beside the
    // build, so ASAR integrity (macOS, Windows) covers it as it covers the code. It is read with
    // readFileSync and handed to ONNX Runtime as bytes, so it needs no unpacking.
    'resources/models/regime-ssm.onnx',
    'resources/models/regime-ssm.chunk64.onnx',
    'resources/models/regime-ssm.card.json',
    // Bundled into out/renderer by Vite; main never requires them (tools/packaging.test.ts checks).
    '!node_modules/{react,react-dom,scheduler,immer,lightweight-charts,fancy-canvas,@tanstack}{,/**}',
    // Other platforms' ONNX Runtime (about 290 MB in all); this target is Linux x64.
    '!node_modules/onnxruntime-node/bin/napi-v*/{darwin,win32}{,/**}',
    '!node_modules/onnxruntime-node/bin/napi-v*/linux/arm64{,/**}',
    // node-llama-cpp's prebuilt binaries for ARM; the CPU, CUDA and Vulkan builds for x64 stay so
    // that the agent uses a GPU where the user has one.
    '!node_modules/@node-llama-cpp/{linux-arm64,linux-armv7l}{,/**}',
    // better-sqlite3's sources and object files; only build/Release/better_sqlite3.node is loaded.
    '!node_modules/better-sqlite3/{deps,src}{,/**}',
    '!node_modules/better-sqlite3/build/{deps,Release/obj,Release/obj.target,Release/.deps}{,/**}',
    '!node_modules/better-sqlite3/build/Release/{sqlite3.a,test_extension.node}'
  ],
  asar: true,
  // Native code cannot be loaded from inside an archive. ONNX Runtime's binding also loads
  // libonnxruntime.so.1 beside it, and llama.cpp's binding its libggml*.so, so those folders are
  // unpacked whole.
  asarUnpack: [
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'node_modules/onnxruntime-node/bin/**',
    'node_modules/@node-llama-cpp/*/bins/**'
  ],
  // better-sqlite3 is built against one ABI: packaging rebuilds it for Electron's (needs the
  // network for Electron's headers). onnxruntime-node is N-API and runs as shipped.
  npmRebuild: true,
  // Electron's security guide, "Check which fuses you can change"; docs/architecture.md says why
  // each is set as it is.
  electronFuses: {
    // Services are utilityProcess children, so nothing needs ELECTRON_RUN_AS_NODE.
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Validates app.asar against the hash electron-builder embeds; Electron enforces it on macOS
    // and Windows only, so on Linux this bit is set but not checked.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // No browser-process V8 snapshot is built for Mechanica.
    loadBrowserProcessSpecificV8Snapshot: false,
    // The app is served from mechanica://; no page is loaded from file://.
    grantFileProtocolExtraPrivileges: false
  },
  linux: {
    target: [{ target: 'AppImage', arch: ['x64'] }],
    executableName: 'mechanica',
    category: 'Office',
    synopsis: 'Offline trading workstation',
    artifactName: '${productName}-${version}-${arch}.${ext}'
  },
  // Nothing is uploaded anywhere.
  publish: null
}
