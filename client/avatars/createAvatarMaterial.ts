import { MeshLambertMaterial } from 'three';

/**
 * The avatars' body material: Lambert (matte, no environment map), the identity colour per instance
 * times the geometry's vertex colours (a near-black visor, a shaded torso). Vertices marked
 * `bodyPart` = 1 (the torso) follow only the yaw of their instance's head pose: a person who nods or
 * looks down keeps an upright torso, still in ONE draw call per level of detail. The head pose's
 * rotation is orthonormal (scale 1), so its inverse is its transpose.
 */
export function createAvatarMaterial(): MeshLambertMaterial {
  const material = new MeshLambertMaterial({ vertexColors: true });
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute float bodyPart;')
      .replace(
        '#include <beginnormal_vertex>',
        `#include <beginnormal_vertex>
mat3 bodyFix = mat3( 1.0 );
#ifdef USE_INSTANCING
if ( bodyPart > 0.5 ) {
	mat3 im = mat3( instanceMatrix );
	vec3 f = im * vec3( 0.0, 0.0, - 1.0 );
	vec3 u = im * vec3( 0.0, 1.0, 0.0 );
	// looking straight down or up: the head's up vector points where the body faces
	vec2 h = length( f.xz ) > 0.2 ? f.xz : ( f.y < 0.0 ? u.xz : - u.xz );
	float yaw = atan( - h.x, - h.y );
	float c = cos( yaw );
	float s = sin( yaw );
	bodyFix = transpose( im ) * mat3( c, 0.0, - s, 0.0, 1.0, 0.0, s, 0.0, c );
	objectNormal = bodyFix * objectNormal;
}
#endif`,
      )
      .replace('#include <begin_vertex>', '#include <begin_vertex>\ntransformed = bodyFix * transformed;');
  };
  material.customProgramCacheKey = () => 'chenu-avatar-body';
  return material;
}
