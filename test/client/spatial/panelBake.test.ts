import { Group, ShaderLib } from 'three';
import { describe, expect, it } from 'vitest';
import { BAKE_TEXELS_PER_PX, COVERING_ORDER, PanelBake } from '../../../client/spatial/panelBake.ts';

describe('PanelBake quad', () => {
  it('covering: drawn opaque before the room, writing depth, alpha as sample coverage', () => {
    const bake = new PanelBake(new Group(), BAKE_TEXELS_PER_PX.near, 'covering');
    const m = bake.quad.material;
    expect(m.transparent).toBe(false);
    expect(m.alphaToCoverage).toBe(true);
    expect(m.depthWrite).toBe(true);
    expect(m.premultipliedAlpha).toBe(false);
    expect(bake.quad.renderOrder).toBe(COVERING_ORDER);
    expect(COVERING_ORDER).toBeLessThan(0);
    // the texture holds premultiplied colour: the shader divides it by alpha right after sampling it
    const shader = { fragmentShader: ShaderLib.basic.fragmentShader };
    m.onBeforeCompile(shader as never, undefined as never);
    const sampled = shader.fragmentShader.indexOf('#include <map_fragment>');
    const divided = shader.fragmentShader.indexOf('diffuseColor.rgb /= max(diffuseColor.a');
    expect(sampled).toBeGreaterThan(-1);
    expect(divided).toBeGreaterThan(sampled);
    expect(divided).toBeLessThan(shader.fragmentShader.indexOf('#include <alphamap_fragment>'));
    bake.dispose();
  });

  it('blended (text on a clear background): a transparent premultiplied quad that writes no depth', () => {
    const bake = new PanelBake(new Group(), BAKE_TEXELS_PER_PX.far);
    const m = bake.quad.material;
    expect(bake.draw).toBe('blended');
    expect(m.transparent).toBe(true);
    expect(m.premultipliedAlpha).toBe(true);
    expect(m.depthWrite).toBe(false);
    expect(m.alphaToCoverage).toBe(false);
    expect(bake.quad.renderOrder).toBe(0);
    const shader = { fragmentShader: ShaderLib.basic.fragmentShader };
    m.onBeforeCompile(shader as never, undefined as never);
    expect(shader.fragmentShader).toBe(ShaderLib.basic.fragmentShader);
    bake.dispose();
  });
});
