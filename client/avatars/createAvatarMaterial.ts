import { MeshLambertMaterial } from 'three';

/**
 * The avatars' body material: Lambert (matte, no environment map), the identity colour per instance
 * times the geometry's vertex colours (a near-black visor, a shaded torso). Vertices marked
 * `bodyPart` = 1 (the torso) follow only the yaw of their instance's head pose: a person who nods or
 * looks down keeps an upright torso, still in ONE draw call per level of detail. The turn that undoes
 * the head's pitch and roll is worked out once per instance on the CPU (`writeBodyFix`) and read from
 * the per-instance `bodyFix` attribute: a software rasteriser runs the vertex shader for every vertex
 * of every instance, and working it out there (an atan, a sin, a cos and a transpose per vertex) was
 * a quarter of the avatars' cost.
 */
export function createAvatarMaterial(): MeshLambertMaterial {
  const material = new MeshLambertMaterial({ vertexColors: true });
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace(
        '#include <common>',
        `#include <common>
attribute float bodyPart;
#ifdef USE_INSTANCING
attribute mat3 bodyFix;
#endif`,
      )
      .replace(
        '#include <beginnormal_vertex>',
        `#include <beginnormal_vertex>
mat3 bodyTurn = mat3( 1.0 );
#ifdef USE_INSTANCING
// bodyPart is 0 (head) or 1 (torso): the head keeps its pose, the torso takes the fix (no branch)
bodyTurn += bodyPart * ( bodyFix - mat3( 1.0 ) );
objectNormal = bodyTurn * objectNormal;
#endif`,
      )
      .replace('#include <begin_vertex>', '#include <begin_vertex>\ntransformed = bodyTurn * transformed;');
  };
  material.customProgramCacheKey = () => 'chenu-avatar-body-fix';
  return material;
}
