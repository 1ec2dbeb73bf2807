import { useParams } from 'react-router';
import { useQuery } from 'urql';
import { m } from '../app/messages';
import { graphql } from '../gql';
import { Page } from '../ui/Page';
import { Empty, Loading, QueryError } from '../ui/QueryState';
import { PostCard } from './PostCard';

const postQuery = graphql(`
  query PostPage($id: ID!) {
    post(id: $id) {
      ...PostCard
    }
  }
`);

/** One post, as notification e-mails and shared links open it. */
export default function PostPage() {
  const { id = '' } = useParams();
  const [{ data, error }, refetch] = useQuery({ query: postQuery, variables: { id } });
  const post = data?.post;
  const notFound = error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND' || e.extensions?.code === 'BAD_USER_INPUT');
  const title = post ? post.currentVersion.content.title || post.title : m.post.title;
  return (
    <Page title={title}>
      {notFound ? (
        <Empty>{m.errors.notFound}</Empty>
      ) : error ? (
        <QueryError error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !post ? (
        <Loading />
      ) : (
        <PostCard post={post} hideTitle />
      )}
    </Page>
  );
}
