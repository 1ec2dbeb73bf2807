import { memo } from 'react';
import { Link } from 'react-router';
import { m } from '../app/messages';
import { ShareButton, type SuggestedText } from '../feed/PostCard';
import type { SearchQuery } from '../gql/graphql';
import { Highlight } from '../ui/Highlight';

type Hit = SearchQuery['search']['edges'][number]['node'];

/** Search has no board's suggestions: the post's own share text is the suggestion. */
const noSuggestions: SuggestedText[] = [];

/**
 * One search hit: the highlighted title (a link to the post), the matching snippet, the boards it
 * is on, its shares and clicks, and Share. The share dialog shows how it will look when shared.
 *
 * Plain elements styled by app.css rather than the component library's layout components: a
 * results page renders ten of these on every keystroke, and each library component costs its
 * style props resolved on every render.
 */
export const SearchHit = memo(function SearchHit({ hit }: { hit: Hit }) {
  const { post } = hit;
  const title = post.currentVersion.content.title || post.title;
  return (
    <article className="search-hit" aria-label={title}>
      <h3 className="search-hit-title">
        <Link to={`/posts/${post.id}`}>
          <Highlight html={hit.title} />
        </Link>
      </h3>
      <p className="search-hit-snippet">
        <Highlight html={hit.snippet} />
      </p>
      {hit.boards.length > 0 && (
        <ul className="board-labels" aria-label={m.post.onBoards}>
          {hit.boards.map((b) => (
            <li key={b.id}>{b.name}</li>
          ))}
        </ul>
      )}
      <div className="search-hit-foot">
        <span className="search-hit-counts">
          {m.post.shares(post.shareCount)} · {m.post.clicks(post.clickCount)}
        </span>
        {post.state === 'APPROVED' && <ShareButton post={post} suggestedText={noSuggestions} />}
      </div>
    </article>
  );
});
