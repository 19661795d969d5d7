// Prints the WebGPU adapter this machine offers (exit 0), or why there is none (exit 1).
// Used by .ci/run to decide whether Mesa's software Vulkan (lavapipe) must be installed.
import { tmpdir } from 'node:os';

process.env.XDG_RUNTIME_DIR ??= tmpdir();
try {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (adapter === null) {
    console.log('no WebGPU adapter');
    process.exit(1);
  }
  const i = adapter.info;
  console.log(`${i.vendor} ${i.architecture}: ${i.description || i.device}`);
  process.exit(0);
} catch (e) {
  console.log(`webgpu failed: ${e.message}`);
  process.exit(1);
}
