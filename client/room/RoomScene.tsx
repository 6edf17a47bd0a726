import { AvatarInstances } from '../avatars/AvatarInstances.tsx';
import { HandJointInstances } from '../avatars/HandJointInstances.tsx';
import { ObjectInstances, type ObjectInteraction } from '../objects/ObjectInstances.tsx';
import { RoomEnvironment } from '../scene/RoomEnvironment.tsx';

/** What a room shows in every mode: environment, others' avatars, its objects. */
export function RoomScene(props: ObjectInteraction) {
  return (
    <>
      <RoomEnvironment />
      <AvatarInstances />
      <HandJointInstances />
      <ObjectInstances {...props} />
    </>
  );
}
