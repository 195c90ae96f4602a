import click


@click.command("seed-demo")
def seed_demo_command():
    raise click.ClickException("not yet")
