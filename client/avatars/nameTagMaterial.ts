import { MeshBasicMaterial, type Texture } from 'three';

/**
 * Basic material whose map is sampled through a per-instance `tagUv` attribute (offset xy, scale zw),
 * so each instance shows its own cell of the name-tag atlas.
 */
export function createNameTagMaterial(map: Texture): MeshBasicMaterial {
  const material = new MeshBasicMaterial({ map, transparent: true, depthWrite: false, toneMapped: false });
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute vec4 tagUv;')
      .replace(
        '#include <uv_vertex>',
        '#include <uv_vertex>\n#ifdef USE_MAP\n\tvMapUv = vec2( uv.x, 1.0 - uv.y ) * tagUv.zw + tagUv.xy;\n#endif',
      );
  };
  material.customProgramCacheKey = () => 'chenu-name-tag';
  return material;
}
